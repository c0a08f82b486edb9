//! DNS messages for the simulation, encoded and decoded with hickory-proto:
//! the responder's answers and the simulated resolver's queries.
//!
//! Guarantees: the responder answers exactly one question per query with
//! the behaviour configured for the name (records, an rcode, or silence);
//! unknown names get NXDOMAIN; a malformed query gets FORMERR. The client
//! side accepts a reply only with the query's id and question.
//!
//! Not done here: CNAME chains, truncation and TCP fallback (the loopback DNS
//! server in `tests/src/dns_server.rs` covers those against the real
//! resolver).

use super::DnsBehaviour;
use hickory_proto::op::{Message, MessageType, OpCode, Query, ResponseCode};
use hickory_proto::rr::rdata::{A, AAAA};
use hickory_proto::rr::{Name, RData, Record, RecordType};
use std::collections::BTreeMap;
use std::net::IpAddr;

/// The responder: the reply to `query`, or `None` to stay silent.
pub(crate) fn respond(query: &[u8], table: &BTreeMap<String, DnsBehaviour>) -> Option<Vec<u8>> {
    let Ok(request) = Message::from_vec(query) else {
        // Not even a header: nothing to answer to.
        let id = u16::from_be_bytes([*query.first()?, *query.get(1)?]);
        return Message::error_msg(id, OpCode::Query, ResponseCode::FormErr)
            .to_vec()
            .ok();
    };
    let id = request.metadata.id;
    let [question] = request.queries.as_slice() else {
        return Message::error_msg(id, OpCode::Query, ResponseCode::FormErr)
            .to_vec()
            .ok();
    };
    let name = question.name().to_lowercase().to_ascii();
    let name = name.trim_end_matches('.');
    let behaviour = table.get(name).cloned().unwrap_or(DnsBehaviour::NxDomain);
    let mut reply = Message::response(id, OpCode::Query);
    reply.metadata.recursion_desired = request.metadata.recursion_desired;
    reply.metadata.recursion_available = true;
    reply.add_query(question.clone());
    match behaviour {
        DnsBehaviour::Silent => return None,
        DnsBehaviour::NxDomain => reply.metadata.response_code = ResponseCode::NXDomain,
        DnsBehaviour::ServFail => reply.metadata.response_code = ResponseCode::ServFail,
        DnsBehaviour::Refused => reply.metadata.response_code = ResponseCode::Refused,
        DnsBehaviour::FormErr => reply.metadata.response_code = ResponseCode::FormErr,
        DnsBehaviour::NoData => {}
        DnsBehaviour::Records(addresses) => {
            for ip in addresses {
                let data = match (ip, question.query_type()) {
                    (IpAddr::V4(v4), RecordType::A) => RData::A(A(v4)),
                    (IpAddr::V6(v6), RecordType::AAAA) => RData::AAAA(AAAA(v6)),
                    _ => continue,
                };
                reply.add_answer(Record::from_rdata(question.name().clone(), 60, data));
            }
        }
    }
    reply.to_vec().ok()
}

/// What one query (A or AAAA) came back with.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum QueryOutcome {
    Answer(Vec<IpAddr>),
    NxDomain,
    ServFail,
    Refused,
}

/// The wire form of a query for `name` (no trailing dot) and `rtype`.
pub(crate) fn query(id: u16, name: &str, rtype: RecordType) -> Option<Vec<u8>> {
    let name = Name::from_ascii(format!("{name}.")).ok()?;
    let mut m = Message::new(id, MessageType::Query, OpCode::Query);
    m.metadata.recursion_desired = true;
    m.add_query(Query::query(name, rtype));
    m.to_vec().ok()
}

/// Reads `reply` if it answers query `id` for `name`/`rtype`.
pub(crate) fn interpret(
    reply: &[u8],
    id: u16,
    name: &str,
    rtype: RecordType,
) -> Option<QueryOutcome> {
    let m = Message::from_vec(reply).ok()?;
    let asked = Name::from_ascii(format!("{name}.")).ok()?.to_lowercase();
    let ours = m.metadata.id == id
        && m.metadata.message_type == MessageType::Response
        && m.queries.len() == 1
        && m.queries[0].query_type() == rtype
        && m.queries[0].name().to_lowercase() == asked;
    if !ours {
        return None;
    }
    Some(match m.metadata.response_code {
        ResponseCode::NoError => QueryOutcome::Answer(
            m.answers
                .iter()
                .filter_map(|r| match (&r.data, rtype) {
                    (RData::A(a), RecordType::A) => Some(IpAddr::V4(a.0)),
                    (RData::AAAA(a), RecordType::AAAA) => Some(IpAddr::V6(a.0)),
                    _ => None,
                })
                .collect(),
        ),
        ResponseCode::NXDomain => QueryOutcome::NxDomain,
        ResponseCode::Refused => QueryOutcome::Refused,
        _ => QueryOutcome::ServFail,
    })
}
