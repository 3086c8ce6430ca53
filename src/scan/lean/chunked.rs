//! A list of millions of lean events that grows without copying (`LeanEvents`).

/// Items in fixed chunks: growing never copies (a doubling `Vec` of millions of events
/// holds the old and the new buffer at once).
#[derive(Debug, Clone)]
pub(super) struct Chunked<T> {
    chunks: Vec<Vec<T>>,
    pub(super) len: usize,
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Self {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

impl<T> Chunked<T> {
    const CHUNK: usize = 1 << 14;

    pub(super) fn push(&mut self, item: T) {
        match self.chunks.last_mut() {
            Some(c) if c.len() < Self::CHUNK => c.push(item),
            _ => {
                let mut c = Vec::with_capacity(Self::CHUNK);
                c.push(item);
                self.chunks.push(c);
            }
        }
        self.len += 1;
    }
    pub(super) fn get(&self, i: usize) -> &T {
        &self.chunks[i / Self::CHUNK][i % Self::CHUNK]
    }
    pub(super) fn iter(&self) -> impl Iterator<Item = &T> {
        self.chunks.iter().flatten()
    }
}
