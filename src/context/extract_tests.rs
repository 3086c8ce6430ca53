//! Tests of `context::extract`: fields read from bytes equal those of a whole parse.
use super::*;

#[test]
fn iso_times_read_directly_equal_the_export_reader() {
    for t in [
        "2024-03-01T10:00:07",
        "2024-03-01T10:00:07Z",
        "2024-03-01T10:00:07.1234567Z",
        "2024-02-29T23:59:59.5",
    ] {
        let slow = parse_export_time(t).map(|v| kql::ticks(&v));
        assert_eq!(iso_ticks(t.as_bytes()), slow, "{t}");
    }
    assert_eq!(iso_ticks(b"2024-03-01T10:00:07+02:00"), None);
    assert!(time_of(b"2024-03-01T10:00:07+02:00").is_some());
    // Dates the calendar refuses are not read directly either.
    for t in [
        "2023-02-29T10:00:00",
        "2024-04-31T10:00:00",
        "2024-13-01T10:00:00",
    ] {
        assert_eq!(iso_ticks(t.as_bytes()), None, "{t}");
    }
}

#[test]
fn a_ual_line_gives_its_fields_without_parsing() {
    let line = br#"{"CreationTime":"2024-03-01T09:59:58","Id":"x","Operation":"Reset user password.","ResultStatus":"Success","Workload":"AzureActiveDirectory","ClientIP":"203.0.113.9","ObjectId":"victim@contoso.com","UserId":"helpdesk@contoso.com","InterSystemsId":"corr-1"}"#;
    let f = json_record(line);
    assert_eq!(
        f.texts(),
        [
            "Reset user password.",
            "helpdesk@contoso.com",
            "victim@contoso.com",
            "203.0.113.9",
            "corr-1",
            "Success"
        ]
    );
    assert!(f.time.is_some());
}

#[test]
fn escaped_raw_event_data_and_pretty_json_are_read() {
    let la = br#"{"TimeGenerated":"2024-03-01T10:00:00Z","ActionType":"Update user.","RawEventData":"{\"UserId\":\"admin@contoso.com\",\"ObjectId\":\"v@contoso.com\",\"InterSystemsId\":\"c-2\"}"}"#;
    let f = json_record(la).texts();
    assert_eq!(
        [&f[1], &f[2], &f[4]],
        ["admin@contoso.com", "v@contoso.com", "c-2"]
    );
    let pretty = b"{\n  \"Operation\" : \"Update user.\",\n  \"UserId\": \"a\\u0040b\"\n}";
    let f = json_record(pretty).texts();
    assert_eq!([&f[0], &f[1]], ["Update user.", "a@b"]);
}

#[test]
fn a_block_reads_each_line_as_a_whole_record_search_does() {
    let mail = r#"{"Timestamp":"2024-03-01T10:00:00Z","ActionType":"MailItemsAccessed","IPAddress":"203.0.113.5","RawEventData":{"CreationTime":"2024-03-01T10:00:00","Operation":"MailItemsAccessed","ResultStatus":"Succeeded","UserId":"Megan@Contoso.com","Workload":"Exchange","ClientIP":"198.51.100.1","ObjectId":"mailbox item","InterSystemsId":"not-read"}}"#;
    let aad = r#"{"Timestamp":"2024-03-01T10:00:01Z","ActionType":"UserLoggedIn","IPAddress":"203.0.113.6","RawEventData":{"ResultStatus":"Success","UserId":"lee@contoso.com","Workload":"AzureActiveDirectory","ObjectId":"app-1","InterSystemsId":"corr-9"}}"#;
    let ual = r#"{"CreationTime":"2024-03-01T09:59:58","Operation":"Reset user password.","ResultStatus":"Success","Workload":"AzureActiveDirectory","ClientIP":"203.0.113.9","ObjectId":"victim@contoso.com","UserId":"helpdesk@contoso.com","InterSystemsId":"corr-1"}"#;
    let entra = r#"{"activityDateTime":"2024-03-01T10:00:00Z","activityDisplayName":"Reset user password","correlationId":"c-3","initiatedBy":{"user":{"userPrincipalName":"h@contoso.com"}},"targetResources":[{"userPrincipalName":"v@contoso.com"}]}"#;
    let lines = [mail, "", aad, "{\"nothing\":1}", ual, entra, mail];
    let block = lines.join("\n");
    let mut got = Vec::new();
    json_lines(block.as_bytes(), |i, _, f| got.push((i, f)));
    let want: Vec<(u64, Fields)> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| {
            l.contains("\"Operation") || l.contains("\"ActionType") || l.contains("initiatedBy")
        })
        .map(|(i, l)| (i as u64, json_record(l.as_bytes())))
        .collect();
    assert_eq!(got, want);
    // A mail row stops before its body's ObjectId and correlation: not read for it.
    assert_eq!(
        (&*got[0].1.target, &*got[0].1.correlation),
        (&b""[..], &b""[..])
    );
    assert_eq!(*got[1].1.correlation, *b"corr-9");
}

#[test]
fn entra_records_are_parsed_for_their_nested_people() {
    let rec = br#"{"activityDateTime":"2024-03-01T10:00:00Z","activityDisplayName":"Reset user password","correlationId":"c-3","result":"success","initiatedBy":{"user":{"userPrincipalName":"helpdesk@contoso.com","ipAddress":"198.51.100.4"}},"targetResources":[{"userPrincipalName":"victim@contoso.com","id":"bbbb"}]}"#;
    let f = json_record(rec);
    assert_eq!(
        f.texts(),
        [
            "Reset user password",
            "helpdesk@contoso.com",
            "victim@contoso.com",
            "198.51.100.4",
            "c-3",
            "success"
        ]
    );
}

#[test]
fn ipv4_addresses_are_read_as_the_standard_parser_reads_them() {
    for s in [
        "203.0.113.9",
        "0.0.0.0",
        "255.255.255.255",
        "256.1.1.1",
        "01.2.3.4",
        "1.2.3",
        "1.2.3.4.5",
        "1..3.4",
        "1.2.3.4 ",
        "::1",
        "2001:db8::1",
        "1.2.3.04",
        "",
        "a.b.c.d",
        "1.2.3.4444",
    ] {
        let std = s.parse::<std::net::Ipv4Addr>().ok().map(u32::from);
        assert_eq!(crate::context::index::ipv4(s.as_bytes()), std, "{s:?}");
    }
}
