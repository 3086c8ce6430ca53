//! The keys of a record the context index reads, as the schemas spell them, and what each
//! is to the index (`context::extract`).

/// The keys read, as the schemas spell them.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(usize)]
pub(super) enum K {
    ActionType,
    OperationName,
    Operation,
    Timestamp,
    CreationTime,
    TimeGenerated,
    UserPrincipalName,
    UserId,
    IpAddress,
    ClientIp,
    ActorIp,
    Workload,
    ObjectId,
    OfficeObjectId,
    AadTarget,
    InterSystemsId,
    CorrelationId,
    /// UAL `Actor`: kept as written, read for an application (`extract::app_actor`) and a
    /// user's `User_<guid>`.
    Actor,
    /// CloudAppEvents `AccountObjectId`: the actor's object id.
    AccountObjectId,
    /// UAL `Target`: where its value starts (the array is read only for a record whose
    /// `ObjectId` is a UPN: whether the entries say the object is no user,
    /// `extract::non_user_target`).
    Target,
    ResultStatus,
}

pub(super) const SLOTS: usize = K::ResultStatus as usize + 1;

/// What a member of the record itself is to the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Member {
    Field(K),
    /// `RawEventData` / `AuditData` / `auditData`: the audit record, walked as its own object.
    Audit,
    /// `initiatedBy` / `InitiatedBy`: an Entra audit record, parsed whole.
    Entra,
    /// `userPrincipalName`: an Entra sign-in record (parsed whole), unless the record has an
    /// audit record (a Graph audit log query record names its actor so).
    Upn,
    /// `properties`: the envelope of a row (Defender's streaming API, Entra diagnostic
    /// settings), walked as the record itself.
    Envelope,
    Other,
}

/// A member of the record itself: a row's columns (CloudAppEvents, Log Analytics: Kusto
/// column names; Sentinel's OfficeActivity names the UAL's `ObjectId` `OfficeObjectId`, its
/// target user `AADTarget` and its `Workload` `OfficeWorkload`), the members of a Microsoft
/// Graph audit log query record (`operation`, `createdDateTime`, `clientIp`, `objectId`
/// beside its `auditData`), or a Unified Audit Log record's fields when the record is one.
///
/// Every member of every record of a file comes here (about 45 a CloudAppEvents row), most
/// of them no key the index reads: the name's length is looked at first (one jump), then
/// only the few names of that length are compared, each as a fixed-size array (integer
/// compares, no call). A `match` on the slices compared every name in turn.
pub(super) fn row_member(name: &[u8]) -> Member {
    use Member::{Audit, Entra, Envelope, Field, Upn};
    match name.len() {
        8 => match fixed::<8>(name) {
            Some(b"clientIp" | b"ClientIp") => Field(K::ClientIp),
            Some(b"objectId") => Field(K::ObjectId),
            _ => ual_key(name).map_or(Member::Other, Field),
        },
        9 => match fixed::<9>(name) {
            Some(b"Timestamp") => Field(K::Timestamp),
            Some(b"IPAddress") => Field(K::IpAddress),
            Some(b"AADTarget") => Field(K::AadTarget),
            Some(b"operation") => Field(K::Operation),
            Some(b"AuditData" | b"auditData") => Audit,
            _ => ual_key(name).map_or(Member::Other, Field),
        },
        10 => match fixed::<10>(name) {
            Some(b"ActionType") => Field(K::ActionType),
            Some(b"properties") => Envelope,
            _ => Member::Other,
        },
        11 => match fixed::<11>(name) {
            Some(b"initiatedBy" | b"InitiatedBy") => Entra,
            _ => Member::Other,
        },
        12 => match fixed::<12>(name) {
            Some(b"RawEventData") => Audit,
            _ => ual_key(name).map_or(Member::Other, Field),
        },
        13 => match fixed::<13>(name) {
            Some(b"OperationName") => Field(K::OperationName),
            Some(b"TimeGenerated") => Field(K::TimeGenerated),
            _ => ual_key(name).map_or(Member::Other, Field),
        },
        14 => match fixed::<14>(name) {
            Some(b"OfficeObjectId") => Field(K::OfficeObjectId),
            Some(b"OfficeWorkload") => Field(K::Workload),
            _ => ual_key(name).map_or(Member::Other, Field),
        },
        15 => match fixed::<15>(name) {
            // Graph, and the Graph PowerShell SDK's PascalCase.
            Some(b"createdDateTime" | b"CreatedDateTime") => Field(K::CreationTime),
            Some(b"AccountObjectId") => Field(K::AccountObjectId),
            _ => Member::Other,
        },
        17 => match fixed::<17>(name) {
            Some(b"UserPrincipalName") => Field(K::UserPrincipalName),
            Some(b"userPrincipalName") => Upn,
            _ => Member::Other,
        },
        _ => ual_key(name).map_or(Member::Other, Field),
    }
}

/// `name` as an array of its length, when it has that length.
#[inline(always)]
fn fixed<const N: usize>(name: &[u8]) -> Option<&[u8; N]> {
    name.try_into().ok()
}

/// A key of the Unified Audit Log's schema (common schema and Azure AD records): at the top
/// of a UAL record, or in a row's `RawEventData` / `AuditData`. Looked up by length first,
/// as [`row_member`] does.
pub(super) fn ual_key(name: &[u8]) -> Option<K> {
    Some(match name.len() {
        5 => match fixed::<5>(name)? {
            b"Actor" => K::Actor,
            _ => return None,
        },
        6 => match fixed::<6>(name)? {
            b"UserId" => K::UserId,
            b"Target" => K::Target,
            _ => return None,
        },
        8 => match fixed::<8>(name)? {
            b"ClientIP" => K::ClientIp,
            b"Workload" => K::Workload,
            b"ObjectId" => K::ObjectId,
            _ => return None,
        },
        9 => match fixed::<9>(name)? {
            b"Operation" => K::Operation,
            _ => return None,
        },
        12 => match fixed::<12>(name)? {
            b"CreationTime" => K::CreationTime,
            b"ResultStatus" => K::ResultStatus,
            _ => return None,
        },
        13 => match fixed::<13>(name)? {
            b"CorrelationId" => K::CorrelationId,
            _ => return None,
        },
        14 => match fixed::<14>(name)? {
            b"ActorIpAddress" => K::ActorIp,
            b"InterSystemsId" => K::InterSystemsId,
            _ => return None,
        },
        _ => return None,
    })
}
