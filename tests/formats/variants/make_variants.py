# Writes tests/formats/variants: one or more further files of each class of tests/formats (the
# shapes of issue 14), written from the public documentation of the tools and APIs that make
# them (synthetic values: woodgrove.example, documentation IP ranges, made-up GUIDs), and their
# expected rows and near misses. The minute counts are computed here with Python datetime
# (minute boundaries crossed, as Kusto's datetime_diff counts them), independently of the Rust
# code. Run: python3 tests/formats/variants/make_variants.py
# The generator is split by class (each part imports the names of the parts before it):
# variants_common.py (events, records, writers), variants_graph.py, variants_sual.py,
# variants_locales.py, variants_copies.py. make_variants2.py and make_variants3.py import
# their names from here.
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the committed files
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from variants_copies import *  # noqa: E402,F401,F403
