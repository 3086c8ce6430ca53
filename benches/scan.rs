//! Hot functions of the scan: the byte prefilter over a block of JSON lines, the parse and
//! classification of one STS record, and a whole scan of a generated file.
//!
//! cargo bench --bench scan

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use divan::{Bencher, black_box};
use serde_json::Value;
use sts_triage::load::Prefilter;
use sts_triage::load::record::{Origin, classify};

fn main() {
    divan::main();
}

/// A CloudAppEvents row about STS refresh tokens, flagged by the query.
const STS_ROW: &str = r#"{"Timestamp":"2021-02-04T16:32:44.0000000Z","ActionType":"Update StsRefreshTokenValidFrom Timestamp.","Application":"Microsoft Azure","ApplicationId":12260,"AccountObjectId":"0b8f3f2e-1c4b-4a47-9a55-0d2b9e5c2b10","AccountId":"0b8f3f2e-1c4b-4a47-9a55-0d2b9e5c2b10","AccountDisplayName":"megan.bowen@contoso.onmicrosoft.com","IsAdminOperation":false,"IPAddress":"203.0.113.7","IsAnonymousProxy":false,"CountryCode":"US","City":"Seattle","ISP":"Microsoft Azure","ActivityType":"Basic","ReportId":"5c1f4f3e-9a1b-4f0e-8f7d-3e2a1b0c9d8e","AccountType":"Regular","IsExternalUser":false,"RawEventData":{"CreationTime":"2021-02-04T16:32:42","Id":"2d5f7a1c-6b1e-4d4f-9c3a-7e8f9a0b1c2d","Operation":"Update StsRefreshTokenValidFrom Timestamp.","OrganizationId":"41dc8915-a30f-4fa7-c584-905ee7e414fd","RecordType":8,"ResultStatus":"Success","UserKey":"100320051234@contoso.onmicrosoft.com","UserType":0,"Version":1,"Workload":"AzureActiveDirectory","ClientIP":"203.0.113.7","ObjectId":"adele.vance@contoso.onmicrosoft.com","UserId":"megan.bowen@contoso.onmicrosoft.com","AzureActiveDirectoryEventType":1,"ExtendedProperties":[{"Name":"additionalDetails","Value":"{}"},{"Name":"extendedAuditEventCategory","Value":"User"}],"ModifiedProperties":[{"Name":"StsRefreshTokensValidFrom","NewValue":"[\r\n  \"2021-02-04T16:32:42Z\"\r\n]","OldValue":"[\r\n  \"2021-01-12T08:15:00Z\"\r\n]"},{"Name":"Included Updated Properties","NewValue":"StsRefreshTokensValidFrom","OldValue":""}],"Actor":[{"ID":"megan.bowen@contoso.onmicrosoft.com","Type":5},{"ID":"User_0b8f3f2e-1c4b-4a47-9a55-0d2b9e5c2b10","Type":2},{"ID":"User","Type":2}],"ActorContextId":"41dc8915-a30f-4fa7-c584-905ee7e414fd","ActorIpAddress":"203.0.113.7","InterSystemsId":"6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d","IntraSystemId":"7b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e","SupportTicketId":"","Target":[{"ID":"User_8c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f","Type":2},{"ID":"adele.vance@contoso.onmicrosoft.com","Type":5},{"ID":"User","Type":2}],"TargetContextId":"41dc8915-a30f-4fa7-c584-905ee7e414fd"},"AdditionalFields":{}}"#;

/// An ordinary row, with the `\u003c` escapes .NET writes for `<`.
const MAIL_ROW: &str = r#"{"Timestamp":"2021-02-04T16:32:45.0000000Z","ActionType":"MailItemsAccessed","Application":"Microsoft Exchange Online","ApplicationId":20893,"AccountObjectId":"3e6a8f1d-2b7c-4d9e-8f0a-1b2c3d4e5f6a","AccountId":"3e6a8f1d-2b7c-4d9e-8f0a-1b2c3d4e5f6a","AccountDisplayName":"lee.gu@contoso.onmicrosoft.com","IsAdminOperation":false,"IPAddress":"198.51.100.23","IsAnonymousProxy":false,"CountryCode":"DE","City":"Berlin","ISP":"Deutsche Telekom AG","ActivityType":"Basic","ReportId":"9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a","AccountType":"Regular","IsExternalUser":false,"RawEventData":{"CreationTime":"2021-02-04T16:32:45","Id":"1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d","Operation":"MailItemsAccessed","OrganizationId":"41dc8915-a30f-4fa7-c584-905ee7e414fd","ResultStatus":"Succeeded","UserKey":"100320057788","UserType":0,"Version":1,"UserId":"lee.gu@contoso.onmicrosoft.com","RecordType":50,"Workload":"Exchange","ClientIPAddress":"198.51.100.23","ClientInfoString":"Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17126; Pro)","ExternalAccess":false,"LogonType":0,"MailboxGuid":"5bd0cdd5-94b2-3714-151e-5716337598b4","MailboxOwnerUPN":"lee.gu@contoso.onmicrosoft.com","OperationProperties":[{"Name":"MailAccessType","Value":"Bind"},{"Name":"IsThrottled","Value":"False"}],"Folders":[{"FolderItems":[{"InternetMessageId":"\u003cAM0PR123MB1234.eurprd01.prod.outlook.com\u003e","SizeInBytes":48211,"Subject":"RE: \u003cEXTERNAL\u003e Quarterly numbers \u0026 forecast"}],"Id":"LgAAAAB123","Path":"\\Inbox"}],"OperationCount":1},"AdditionalFields":{}}"#;

/// About 4 MiB of JSON lines: one STS row in a hundred.
fn block() -> Vec<u8> {
    let mut out = Vec::with_capacity(4 << 20);
    let mut i = 0u64;
    while out.len() < 4 << 20 {
        let row = if i % 100 == 50 { STS_ROW } else { MAIL_ROW };
        out.extend_from_slice(row.as_bytes());
        out.push(b'\n');
        i += 1;
    }
    out
}

#[divan::bench]
fn prefilter_block(bencher: Bencher) {
    let data = block();
    let prefilter = Prefilter::new();
    bencher
        .counter(divan::counter::BytesCount::new(data.len()))
        .bench(|| {
            let mut hits = 0usize;
            let mut pos = 0;
            while let Some(hit) = prefilter.find_from(black_box(&data), pos) {
                hits += 1;
                pos = memchr::memchr(b'\n', &data[hit..]).map_or(data.len(), |i| hit + i + 1);
            }
            hits
        });
}

#[divan::bench]
fn prefilter_ordinary_row(bencher: Bencher) {
    let prefilter = Prefilter::new();
    bencher.bench(|| prefilter.may_match(black_box(MAIL_ROW.as_bytes())));
}

#[divan::bench]
fn parse_and_classify_sts_row(bencher: Bencher) {
    let file: Arc<str> = Arc::from("bench.jsonl");
    bencher.bench(|| {
        let bytes = black_box(STS_ROW.as_bytes());
        let value: Value = serde_json::from_slice(bytes).unwrap_or(Value::Null);
        let raw = String::from_utf8_lossy(bytes);
        let origin = Origin {
            file: &file,
            line: 1,
            raw: &raw,
        };
        classify(value, &origin)
    });
}

#[divan::bench]
fn parse_sts_row_only(bencher: Bencher) {
    bencher.bench(|| {
        serde_json::from_slice::<Value>(black_box(STS_ROW.as_bytes())).map(|v| v.is_object())
    });
}

/// A whole scan of 64 MB of JSON lines (page cache warm).
#[divan::bench(sample_count = 10)]
fn scan_64mb_jsonl(bencher: Bencher) {
    let dir = std::env::temp_dir().join(format!("sts-triage-bench-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path: PathBuf = dir.join("bench.jsonl");
    let written = std::fs::File::create(&path).and_then(|mut f| {
        let data = block();
        for _ in 0..16 {
            f.write_all(&data)?;
        }
        Ok(data.len() * 16)
    });
    let Ok(bytes) = written else {
        return;
    };
    let opts = sts_triage::load::ScanOptions::default();
    bencher
        .counter(divan::counter::BytesCount::new(bytes))
        .bench(|| {
            sts_triage::scan::scan_paths(std::slice::from_ref(&path), &opts).map(|r| r.events.len())
        });
    let _ = std::fs::remove_dir_all(&dir);
}
