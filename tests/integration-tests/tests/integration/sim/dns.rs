//! The simulation's DNS responder, with hickory-proto's message encoding.
//! (The client side is the probe's real resolver, over the simulated
//! network.)
//!
//! Guarantees: the responder answers exactly one question per query with
//! the behaviour configured for the name (records, an rcode, or silence);
//! unknown names get NXDOMAIN; a malformed query gets FORMERR.
//!
//! Not done here: CNAME chains, truncation and TCP fallback (the loopback DNS
//! server in `tests/test-support/src/dns_server.rs` covers those against the same
//! resolver).

use super::DnsBehaviour;
use hickory_proto::op::{Message, OpCode, ResponseCode};
use hickory_proto::rr::rdata::{A, AAAA};
use hickory_proto::rr::{RData, Record, RecordType};
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
