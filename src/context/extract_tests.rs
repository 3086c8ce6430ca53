//! Tests of `context::extract`: fields read from bytes, at their level of the record.
use super::*;
use crate::context::times::{iso_ticks, time_of};
use crate::dates::parse_export_time;
use crate::kql;
use crate::model::ActorKind;

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
fn a_block_reads_each_line_as_the_record_alone() {
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
    // A mail row (not a directory record): its ObjectId and correlation are not kept.
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

#[test]
fn keys_are_read_only_at_their_level_of_the_record() {
    // A UAL key deeper than the audit record (ModifiedProperties, Target entries) and a row
    // column inside RawEventData are not the record's.
    let line = br#"{"Timestamp":"2024-03-01T10:00:00Z","ActionType":"Update user.","Extra":{"ObjectId":"deep@contoso.com","UserId":"deep"},"RawEventData":{"ActionType":"not a column","ModifiedProperties":[{"Name":"x","ObjectId":"deeper@contoso.com","InterSystemsId":"deep-corr"}],"Workload":"AzureActiveDirectory","UserId":"admin@contoso.com","ObjectId":"v@contoso.com","InterSystemsId":"c-1"}}"#;
    let f = json_record(line).texts();
    assert_eq!(
        [&f[0], &f[1], &f[2], &f[4]],
        ["Update user.", "admin@contoso.com", "v@contoso.com", "c-1"]
    );
    // Nothing but nested keys: nothing read (a JSON line of it gives no record).
    let nested_only = br#"{"Extra":{"ObjectId":"deep@contoso.com","Operation":"Update user."}}"#;
    assert_eq!(json_record(nested_only), Fields::default());
    let mut n = 0;
    json_lines(nested_only, |_, _, _| n += 1);
    assert_eq!(n, 0);
}

#[test]
fn a_key_written_twice_gives_its_last_value_as_the_query_reads_it() {
    // serde_json's map (preserve_order) keeps the last value of a repeated key, and the
    // loader reads the record with it: the index takes the same value.
    let line = br#"{"CreationTime":"2024-03-01T10:00:00","Operation":"Update user.","ObjectId":"first@contoso.com","UserId":"a@contoso.com","ObjectId":"last@contoso.com"}"#;
    let parsed: serde_json::Value = serde_json::from_slice(line).unwrap();
    assert_eq!(parsed["ObjectId"], "last@contoso.com");
    assert_eq!(json_record(line).texts()[2], "last@contoso.com");
    // The audit record's value before the row's (a CloudAppEvents ObjectId column is an id).
    let row = br#"{"ActionType":"Update user.","ObjectId":"bbbb","RawEventData":{"ObjectId":"v@contoso.com"},"ObjectId":"cccc"}"#;
    assert_eq!(json_record(row).texts()[2], "v@contoso.com");
}

#[test]
fn entra_names_inside_a_string_do_not_make_a_record_entra() {
    // Parsed whole as an Entra record, a CloudAppEvents row would lose its actor.
    let line = br#"{"ActionType":"Update user.","AccountDisplayName":"x\", \"initiatedBy\": {}, \"userPrincipalName\": \"y","RawEventData":{"UserId":"admin@contoso.com","ObjectId":"v@contoso.com"}}"#;
    let f = json_record(line).texts();
    assert_eq!([&f[1], &f[2]], ["admin@contoso.com", "v@contoso.com"]);
    // An Entra diagnostic-settings record (its `properties` envelope) is parsed whole.
    let diag = br#"{"time":"2024-03-01T10:00:00Z","properties":{"activityDisplayName":"Reset user password","correlationId":"c-9","initiatedBy":{"user":{"userPrincipalName":"h@contoso.com"}},"targetResources":[{"userPrincipalName":"v@contoso.com"}]}}"#;
    let f = json_record(diag).texts();
    assert_eq!(
        [&f[0], &f[1], &f[2], &f[4]],
        [
            "Reset user password",
            "h@contoso.com",
            "v@contoso.com",
            "c-9"
        ]
    );
}

#[test]
fn a_sign_in_row_names_its_actor_by_upn_not_object_id() {
    // Log Analytics SigninLogs: UserId is the object id there; the UPN is whom the analyst
    // knows, and what the STS events' parties name (relations match it).
    let la = br#"{"TimeGenerated":"2024-03-01T10:00:00Z","OperationName":"Sign-in activity","UserId":"e89b3950-284f-56fe-98a2-025375625124","UserPrincipalName":"Lee.Gu@contoso.com","IPAddress":"198.51.100.4","CorrelationId":"sign-1"}"#;
    let f = json_record(la).texts();
    assert_eq!(
        [&f[0], &f[1], &f[4]],
        ["Sign-in activity", "Lee.Gu@contoso.com", "sign-1"]
    );
    // A UAL record has no UserPrincipalName: its UserId (the UPN there) is the actor.
    let ual = br#"{"CreationTime":"2024-03-01T10:00:00","Operation":"UserLoggedIn","UserId":"lee.gu@contoso.com"}"#;
    assert_eq!(json_record(ual).texts()[1], "lee.gu@contoso.com");
}

/// The actor of a record as the index keeps it: its kind, its key and an app's name.
fn actor_of(bytes: &[u8]) -> (ActorKind, String, String) {
    let f = json_record(bytes);
    let text = |v: &[u8]| String::from_utf8_lossy(v).into_owned();
    (f.actor_kind, text(&f.actor), text(&f.actor_name))
}

#[test]
fn an_application_acting_is_known_by_its_service_principal_id_as_its_parties_name_it() {
    // UAL: UserId is the app's display name (here a user's UPN), the id is in `Actor`.
    let actor = r#"[{"ID":"helpdesk@contoso.com","Type":1},{"ID":"app-9","Type":2},{"ID":"ServicePrincipal_sp-9","Type":2},{"ID":"sp-9","Type":2},{"ID":"ServicePrincipal","Type":2}]"#;
    let ual = format!(
        r#"{{"CreationTime":"2024-03-01T10:00:00","Operation":"Reset user password.","UserId":"helpdesk@contoso.com","Actor":{actor},"ObjectId":"v@contoso.com"}}"#
    );
    let want = "helpdesk@contoso.com (sp-9)";
    let app = (
        ActorKind::App,
        "sp-9".to_owned(),
        "helpdesk@contoso.com".to_owned(),
    );
    assert_eq!(actor_of(ual.as_bytes()), app);
    let record: serde_json::Value = serde_json::from_str(&ual).unwrap();
    let parties = crate::context::parties::ual(record.as_object().unwrap());
    assert_eq!(
        (
            parties.actor.as_str(),
            parties.actor_id.as_str(),
            parties.actor_kind
        ),
        (want, "sp-9", ActorKind::App)
    );
    // The same record as a CloudAppEvents row's RawEventData, an object or JSON text.
    let row = format!(r#"{{"ActionType":"Reset user password.","RawEventData":{ual}}}"#);
    assert_eq!(actor_of(row.as_bytes()), app);
    let text = serde_json::to_string(&ual).unwrap();
    let row = format!(r#"{{"ActionType":"Reset user password.","RawEventData":{text}}}"#);
    assert_eq!(actor_of(row.as_bytes()), app);
    // Entra: the same service principal in `initiatedBy.app`.
    let entra = br#"{"activityDateTime":"2024-03-01T10:00:00Z","activityDisplayName":"Reset user password","initiatedBy":{"app":{"appId":"app-9","displayName":"helpdesk@contoso.com","servicePrincipalId":"sp-9"}}}"#;
    assert_eq!(actor_of(entra), app);
    // A user acting through an application (the M365 admin portal): the user.
    let portal = r#"{"CreationTime":"2024-03-01T10:00:00","Operation":"Reset user password.","UserId":"admin@contoso.com","Actor":[{"ID":"admin@contoso.com","Type":5},{"ID":"Microsoft Office 365 Portal","Type":1},{"ID":"00000006-0000-0ff1-ce00-000000000000","Type":2},{"ID":"User_u-1","Type":2},{"ID":"u-1","Type":2},{"ID":"User","Type":2}]}"#;
    assert_eq!(
        actor_of(portal.as_bytes()),
        (ActorKind::User, "admin@contoso.com".into(), String::new())
    );
    // No ServicePrincipal_ entry, the class last: the object id the UAL writes before it.
    let bare = r#"{"CreationTime":"2024-03-01T10:00:00","Operation":"Reset user password.","UserId":"Sync App","Actor":[{"ID":"Sync App","Type":1},{"ID":"sp-7","Type":2},{"ID":"ServicePrincipal","Type":2}]}"#;
    assert_eq!(
        actor_of(bare.as_bytes()),
        (ActorKind::App, "sp-7".into(), "Sync App".into())
    );
}

#[test]
fn an_application_without_an_id_is_its_own_kind_never_the_user_of_its_name() {
    // UAL: the class ServicePrincipal and a UPN-like name, no id.
    let ual = br#"{"CreationTime":"2024-03-01T10:00:00","Operation":"Reset user password.","UserId":"helpdesk@contoso.com","Actor":[{"ID":"helpdesk@contoso.com","Type":5},{"ID":"ServicePrincipal","Type":2}]}"#;
    let named = (
        ActorKind::NamedApp,
        "helpdesk@contoso.com (app, no id)".to_owned(),
        String::new(),
    );
    assert_eq!(actor_of(ual), named);
    // Entra: initiatedBy.app with null ids.
    let entra = br#"{"activityDateTime":"2024-03-01T10:00:00Z","activityDisplayName":"Reset user password","initiatedBy":{"user":null,"app":{"appId":null,"displayName":"helpdesk@contoso.com","servicePrincipalId":null}}}"#;
    assert_eq!(actor_of(entra), named);
}

#[test]
fn a_ual_user_id_that_is_the_service_principal_is_that_app_by_its_id() {
    // The UAL writes `ServicePrincipal_<id>` as UserId; the name is the entry of type 1.
    let named = br#"{"CreationTime":"2024-03-01T10:00:00","Operation":"Update user.","UserId":"ServicePrincipal_sp-5","Actor":[{"ID":"Session Manager","Type":1},{"ID":"ServicePrincipal_sp-5","Type":2},{"ID":"sp-5","Type":2},{"ID":"ServicePrincipal","Type":2}]}"#;
    assert_eq!(
        actor_of(named),
        (ActorKind::App, "sp-5".into(), "Session Manager".into())
    );
    // No Actor entries at all: the app of that id, with no name of its own.
    let bare = br#"{"CreationTime":"2024-03-01T10:00:00","Operation":"Update user.","UserId":"ServicePrincipal_sp-5"}"#;
    assert_eq!(
        actor_of(bare),
        (ActorKind::App, "sp-5".into(), String::new())
    );
}

pub(super) mod fast_and_walked {
    use super::*;
    use proptest::prelude::*;
    use serde_json::{Map, Value, json};

    /// Keys the reader looks for, and some it does not, at either level.
    fn key() -> impl Strategy<Value = String> {
        prop_oneof![
            prop::sample::select(vec![
                "ActionType",
                "Timestamp",
                "IPAddress",
                "UserId",
                "ObjectId",
                "Workload",
                "InterSystemsId",
                "CorrelationId",
                "ResultStatus",
                "Operation",
                "CreationTime",
                "ClientIP",
                "UserPrincipalName",
                "userPrincipalName",
                "properties",
                "AdditionalFields",
                "Actor",
            ])
            .prop_map(str::to_owned),
            "[a-zA-Z\"\\\\]{0,4}",
        ]
    }

    pub(in crate::context::extract) fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("AzureActiveDirectory".to_owned()),
            Just("2024-03-01T10:00:07Z".to_owned()),
            Just(r#"", "ObjectId": "victim@contoso.com"#.to_owned()),
            Just("\\\"".to_owned()),
            "[a-z@.]{0,8}",
            "\\PC{0,6}",
        ]
    }

    fn leaf() -> impl Strategy<Value = Value> {
        prop_oneof![
            4 => text().prop_map(Value::String),
            1 => Just(Value::Null),
            1 => any::<i32>().prop_map(Value::from),
            1 => text().prop_map(|t| json!([{ "ObjectId": t }])),
            1 => text().prop_map(|t| json!({ "UserId": t, "ObjectId": t })),
            1 => text().prop_map(|t| json!([
                { "ID": t, "Type": 1 },
                { "ID": "ServicePrincipal_sp-1", "Type": 2 },
                { "ID": "sp-1", "Type": 2 },
            ])),
        ]
    }

    fn object(values: impl Strategy<Value = Value>) -> impl Strategy<Value = Map<String, Value>> {
        proptest::collection::vec((key(), values), 0..8).prop_map(|kv| kv.into_iter().collect())
    }

    /// A record with an audit record (an object, or JSON text in a string) among its
    /// members, or an envelope.
    pub(in crate::context::extract) fn record() -> impl Strategy<Value = Value> {
        let audit = prop_oneof![
            object(leaf()).prop_map(Value::Object),
            object(leaf()).prop_map(|m| Value::String(Value::Object(m).to_string())),
            leaf(),
        ];
        (
            object(leaf()),
            prop::sample::select(vec!["RawEventData", "AuditData", "auditData"]),
            audit,
            object(leaf()),
        )
            .prop_map(|(mut first, name, audit, rest)| {
                first.insert(name.to_owned(), audit);
                first.extend(rest);
                Value::Object(first)
            })
    }

    proptest! {
        #[test]
        fn the_skeleton_reads_what_the_walk_reads(record in record()) {
            for text in [
                serde_json::to_string(&record).expect("serializes"),
                serde_json::to_string_pretty(&record).expect("serializes"),
            ] {
                let bytes = text.as_bytes();
                prop_assert_eq!(json_record(bytes), walked_record(bytes), "{}", text);
            }
        }
    }

    #[test]
    fn a_forged_key_in_the_audit_record_is_read_by_neither() {
        let line = br#"{"Timestamp":"2024-03-01T10:00:00Z","ActionType":"Update user.","RawEventData":{"Workload":"AzureActiveDirectory","UserId":"admin\", \"ObjectId\": \"victim@contoso.com","ObjectId":"throwaway@contoso.com","ExtendedProperties":[{"ObjectId":"deep@contoso.com"}]}}"#;
        let f = json_record(line);
        assert_eq!(f, walked_record(line));
        assert_eq!(f.texts()[2], "throwaway@contoso.com");
    }
}

#[test]
fn keys_written_with_escapes_are_read_as_their_text() {
    // A compact record (read from its skeleton) whose keys, at the row and in its audit
    // record, are written with `\u` escapes: each is the key its text spells, as serde_json
    // reads it; an escaped key that spells no key of the index stays unread.
    let line = br#"{"Timestamp":"2024-03-01T10:00:00Z","Acti\u006fnType":"Update user.","R\u0061wEventData":{"Us\u0065rId":"admin@contoso.com","Workload":"AzureActiveDirectory","\u004fbjectId":"v@contoso.com","InterSystemsI\u0064":"c-1","Res\u0075ltStatusX":"no"}}"#;
    let f = json_record(line);
    assert_eq!(
        f.texts(),
        [
            "Update user.",
            "admin@contoso.com",
            "v@contoso.com",
            "",
            "c-1",
            ""
        ]
    );
    assert_eq!(f, walked_record(line));
}

/// The keys as the schemas spell them and what each is to the index: the reference the
/// length-first lookups ([`row_member`], [`ual_key`]) are checked against.
fn reference_row_member(name: &[u8]) -> Member {
    Member::Field(match name {
        b"ActionType" => K::ActionType,
        b"OperationName" => K::OperationName,
        b"Timestamp" => K::Timestamp,
        b"TimeGenerated" => K::TimeGenerated,
        b"UserPrincipalName" => K::UserPrincipalName,
        b"IPAddress" => K::IpAddress,
        b"OfficeObjectId" => K::OfficeObjectId,
        b"AADTarget" => K::AadTarget,
        b"OfficeWorkload" => K::Workload,
        b"operation" => K::Operation,
        b"createdDateTime" | b"CreatedDateTime" => K::CreationTime,
        b"AccountObjectId" => K::AccountObjectId,
        b"clientIp" | b"ClientIp" => K::ClientIp,
        b"objectId" => K::ObjectId,
        b"RawEventData" | b"AuditData" | b"auditData" => return Member::Audit,
        b"initiatedBy" | b"InitiatedBy" => return Member::Entra,
        b"userPrincipalName" => return Member::Upn,
        b"properties" => return Member::Envelope,
        _ => return reference_ual_key(name).map_or(Member::Other, Member::Field),
    })
}

fn reference_ual_key(name: &[u8]) -> Option<K> {
    Some(match name {
        b"Operation" => K::Operation,
        b"CreationTime" => K::CreationTime,
        b"UserId" => K::UserId,
        b"ClientIP" => K::ClientIp,
        b"ActorIpAddress" => K::ActorIp,
        b"Workload" => K::Workload,
        b"ObjectId" => K::ObjectId,
        b"InterSystemsId" => K::InterSystemsId,
        b"CorrelationId" => K::CorrelationId,
        b"Actor" => K::Actor,
        b"Target" => K::Target,
        b"ResultStatus" => K::ResultStatus,
        _ => return None,
    })
}

#[test]
fn every_key_and_every_near_miss_is_told_apart_as_the_schemas_spell_them() {
    const NAMES: &[&str] = &[
        "ActionType",
        "OperationName",
        "Timestamp",
        "TimeGenerated",
        "UserPrincipalName",
        "IPAddress",
        "OfficeObjectId",
        "AADTarget",
        "OfficeWorkload",
        "operation",
        "createdDateTime",
        "AccountObjectId",
        "clientIp",
        "objectId",
        "RawEventData",
        "AuditData",
        "auditData",
        "initiatedBy",
        "InitiatedBy",
        "userPrincipalName",
        "properties",
        "Operation",
        "CreationTime",
        "UserId",
        "ClientIP",
        "ActorIpAddress",
        "Workload",
        "ObjectId",
        "InterSystemsId",
        "CorrelationId",
        "Actor",
        "Target",
        "ResultStatus",
        // The Graph PowerShell SDK's PascalCase of a Graph audit query record.
        "CreatedDateTime",
        "ClientIp",
        // Columns of the rows that are no key of the index.
        "Application",
        "AccountDisplayName",
        "ReportId",
        "Id",
        "UserKey",
        "",
    ];
    let mut names: Vec<Vec<u8>> = Vec::new();
    for n in NAMES.iter().map(|n| n.as_bytes()) {
        names.push(n.to_vec());
        // Cut or grown by a byte at either end, and each byte changed (case, neighbour).
        if !n.is_empty() {
            names.push(n[1..].to_vec());
            names.push(n[..n.len() - 1].to_vec());
        }
        names.push([n, b"s"].concat());
        names.push([b"x", n].concat());
        for i in 0..n.len() {
            for change in [0x20u8, 0x01] {
                let mut m = n.to_vec();
                m[i] ^= change;
                names.push(m);
            }
        }
    }
    for n in &names {
        let (row, ual) = (row_member(n), ual_key(n));
        assert_eq!(
            row,
            reference_row_member(n),
            "{}",
            String::from_utf8_lossy(n)
        );
        assert_eq!(ual, reference_ual_key(n), "{}", String::from_utf8_lossy(n));
    }
    // Every key of the schemas is known, the other columns are not.
    for (i, n) in NAMES.iter().enumerate() {
        assert_eq!(row_member(n.as_bytes()) != Member::Other, i < 35, "{n}");
    }
}
