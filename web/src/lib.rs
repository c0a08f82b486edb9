//! # netready-web
//!
//! The in-browser validator's WebAssembly exports: `validate`, `explain`,
//! `catalog`, `classify`, `collectCommands` and `decodeFile`, each a thin conversion
//! between JavaScript values and `netready-core`'s types.
//!
//! ## What this crate guarantees
//! * It decides nothing: every verdict, host name, class and message comes
//!   from `netready-core`, so the page can never disagree with the
//!   `netready` binary (the parity test in `web/test.sh` compares them).
//! * Results cross as plain JavaScript objects, the ones `JSON.parse` of
//!   serde_json's text would give (built from a compact tape, see the `tape` module):
//!   `JSON.stringify(result)` is the same JSON the command line prints
//!   (`None` becomes `null`, maps become objects).
//! * Every failure crosses as a JavaScript `Error` whose `message` is core's
//!   own message (naming the document, the JSON path and what was expected);
//!   no export panics on any input.
//!
//! ## What it does not do
//! No I/O of any kind: the page hands in the documents (a dropped file's
//! raw bytes, decoded by core's `text::decode` as the command line decodes
//! a file, or pasted text), and the module never fetches, stores or sends
//! anything.
#![forbid(unsafe_code)]
// The explain module (feature `explain`) exports `explain` alone: the page's
// exports and their helpers are compiled out of it, and left unused.
#![cfg_attr(feature = "explain", allow(dead_code, unused_imports))]

#[cfg(feature = "explain")]
mod reports;
mod tape;

/// The module's allocator (see Cargo.toml): single-threaded WebAssembly
/// only, as the page's module is.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

use core::net::IpAddr;
use netready_core::catalog::{self, Profile, Region};
use netready_core::classify::AddressClass;
use netready_core::net::Cidr;
use netready_core::text;
use netready_core::vpc::input::Quoted;
use netready_core::vpc::{self, AssignPublicIp, InputError, ValidateOptions};
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** A region's catalog, the same document as `netready catalog --format json`. */
export interface Catalog {
  schema: "netready.catalog/v1";
  region: string;
  partition: string;
  /** false for a well-formed region this release does not know yet. */
  region_known: boolean;
  profile: "runner" | "private";
  services: CatalogService[];
}

/** One host the runner reaches, and the VPC endpoint that serves it. */
export interface CatalogService {
  /** The endpoint service suffix: "secretsmanager", "ecr.api", "s3", … */
  service: string;
  name: string;
  purpose: string;
  /** The host to resolve; "<account>" stands for the ECR registry's account. */
  host: string;
  endpoint_service_name: string;
  endpoint_type: "interface" | "gateway";
  /** "own": this entry's endpoint is to be created; "shared": another entry's serves it. */
  endpoint: "own" | "shared";
  availability:
    | { kind: "in_region" }
    | { kind: "cross_region"; service_region: string }
    | { kind: "control_plane_region_only"; region: string }
    | { kind: "not_in_partition" };
  note?: string;
}

/**
 * One pasted or dropped describe-* document: its text, or a file's raw
 * bytes (`File.arrayBuffer()`), which are decoded as `netready validate`
 * decodes a file (UTF-8 with or without a byte-order mark, UTF-16 as
 * PowerShell's `>` writes it).
 */
export type ValidateDocument = {
  /** A file name or a label: used only in error messages (and as `error.document`). */
  name: string;
} & (
  /** The JSON text exactly as `aws ec2 describe-*` printed it. */
  | { text: string; bytes?: undefined }
  /** The file's bytes, as read from disk. */
  | { bytes: Uint8Array | ArrayBuffer; text?: undefined }
);

/** The command line's flags, as data; every field is optional. */
export interface ValidateOptions {
  /** e.g. "eu-west-1"; omitted: inferred from the subnets' ARNs and zones. */
  region?: string;
  profile?: "runner" | "private";
  /** The task subnets; omitted or empty: every subnet given. */
  subnets?: string[];
  /** The task's security groups; omitted or empty: the VPC's default group. */
  security_groups?: string[];
  /** AssignPublicIp of the runner's ECS service (default false). */
  assign_public_ip?: boolean;
  fix_format?: "aws-cli" | "powershell" | "terraform";
  account?: string | null;
}

/**
 * The `Error` thrown by `validate`: `message` is netready-core's message;
 * the other fields say where the problem is, when it is in one place.
 */
export interface ValidateError extends Error {
  /** "encoding", "json", "shape", "no_documents", "unknown_subnet", "unknown_security_group", "region", "documents", "options" or "input". */
  kind: string;
  /** The name of the document at fault (kinds "encoding", "json" and "shape"). */
  document?: string;
  /** The JSON path (kind "shape"), e.g. "RouteTables[3].Routes[0].DestinationCidrBlock". */
  path?: string;
  /** 1-based position of a JSON syntax error (kind "json"). */
  line?: number;
  column?: number;
  /** "region" for a region error, "subnets" / "security_groups" for an unknown id. */
  field?: string;
}

export type Status = "ready" | "degraded" | "unknown";
export type AccessType = "vpc_endpoint" | "nat_gateway" | "internet_gateway" | "gateway_endpoint" | "transit" | "public";

export interface Finding {
  /** A stable finding code, e.g. "endpoint-missing" (see DESIGN.md). */
  code: string;
  severity: "error" | "warning" | "info";
  resource: string;
  message: string;
  /** A ready-to-run command (aws ec2 … or PowerShell), or null. */
  fix: string | null;
}

/** One endpoint as seen from one subnet. */
export interface PathReport {
  service: string;
  host: string;
  /** The path the traffic takes even when something then blocks it; null: no path at all. */
  access_type: AccessType | null;
  /** null: unknown (e.g. a transit path the validator cannot see past). */
  reachable: boolean | null;
  failure: string | null;
  /** The resources the traffic crosses: subnet, route table, NAT, IGW, endpoint. */
  path: string[];
  /** What the VPC endpoint's policy does to the runner's calls; absent when no endpoint policy applies. */
  policy?: "allows" | "denies" | "unknown";
  findings: Finding[];
}

export interface SubnetReport {
  subnet_id: string;
  availability_zone?: string;
  status: Status;
  endpoints: PathReport[];
}

/** The `netready.report/v1` report, as `netready validate --format json` prints it. */
export interface Report {
  schema: "netready.report/v1";
  kind: "validate" | "probe";
  status: Status;
  region: string | null;
  profile?: string;
  endpoints: unknown[];
  subnets: SubnetReport[];
  findings: Finding[];
  cost?: {
    interface_endpoint_azs_present: number;
    interface_endpoint_azs_needed: number;
    monthly_usd_needed: number;
    message: string;
  };
}

/** `explain`'s result (the explain module): the comparison, or why there is none. */
export interface Explained {
  /** The `netready explain --format json` document; null when the reports cannot be compared. */
  explanation: Explanation | null;
  /** Why they cannot be compared (a bad probe report, another region, which subnet is unknown), or null. */
  error: string | null;
}

export type Verdict = "agree" | "differs" | "not-comparable";

/** Predicted vs observed for one subnet: see docs/report.md, "The explain document". */
export interface Explanation {
  schema: "netready.explain/v1";
  verdict: Verdict;
  region: string | null;
  subnet_id: string;
  availability_zone?: string;
  subnet_choice: "flag" | "probe_context" | "only_subnet" | "availability_zone";
  predicted_status: Status;
  observed_status: Status;
  endpoints: EndpointComparison[];
}

export interface EndpointComparison {
  service: string;
  host: string;
  predicted: { access_type: AccessType | null; address_class: string | null; reachable: boolean | null; failure: string | null; path: string[]; findings: string[] } | null;
  observed: { access_type: AccessType | null; address_class: string | null; reachable: boolean | null; failure: string | null; resolver: string | null; addresses: unknown[]; tls?: string } | null;
  verdict: Verdict;
  differences: ("address_class" | "access_type" | "reachable" | "some_addresses" | "tls")[];
  note?: string;
  causes: { code: string; rank: number; title: string; explanation: string; evidence: { side: "validate" | "probe"; text: string }[]; confirm: string[] }[];
}

/** What an address is (see netready-core's `classify`). */
export interface Classified {
  /** "private", "public", or the special range: "loopback", "link_local", … */
  class: string;
  /** Why a private address is private; null for other classes. */
  range: "rfc1918" | "shared_address_space" | "unique_local" | "vpc_cidr" | null;
  /** "native", "ipv4_mapped" (::ffff:a.b.c.d) or "nat64" (64:ff9b::/96). */
  via: "native" | "ipv4_mapped" | "nat64";
  /** The address the class was decided on (the embedded IPv4 address for mapped and NAT64 addresses). */
  effective: string;
}
"#;

/// A result as a plain JavaScript object, the one `JSON.parse` of the
/// command line's JSON would give (see [`tape`]).
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let t = tape::Tape::of(value)
        .map_err(|e| js_sys::Error::new(&format!("cannot convert the result: {e}")))?;
    Ok(decode_tape(&t.ops, &t.numbers, &t.text, &t.offsets))
}

#[wasm_bindgen(module = "/src/tape.js")]
extern "C" {
    /// web/src/tape.js: the tape back into objects.
    #[wasm_bindgen(js_name = "decodeTape")]
    fn decode_tape(ops: &[u32], numbers: &[f64], text: &str, offsets: &[u32]) -> JsValue;
}

#[wasm_bindgen]
extern "C" {
    /// The platform's `TextEncoder` (browsers and Node alike).
    type TextEncoder;
    #[wasm_bindgen(constructor)]
    fn new() -> TextEncoder;
    /// UTF-8 bytes of a string, lone surrogates replaced by U+FFFD.
    #[wasm_bindgen(method)]
    fn encode(this: &TextEncoder, text: &JsValue) -> js_sys::Uint8Array;
}

/// A JavaScript `Error` carrying core's message, prefixed by what was being
/// parsed, with a `field` property naming the argument at fault.
fn field_error(field: &str, value: &str, error: impl core::fmt::Display) -> JsValue {
    // Quoted, not `{value:?}`: a `Debug` of a `str` links the Unicode tables.
    let e = js_sys::Error::new(&format!("{field} {}: {error}", Quoted(value)));
    // Setting a property on a fresh, unfrozen Error object cannot fail.
    let _ = js_sys::Reflect::set(&e, &JsValue::from_str("field"), &JsValue::from_str(field));
    e.into()
}

/// The endpoints a profile checks in a region, as `netready catalog --format
/// json` prints them. Throws on a malformed region or an unknown profile.
#[cfg(not(feature = "explain"))]
#[wasm_bindgen(unchecked_return_type = "Catalog")]
pub fn catalog(region: &str, profile: &str) -> Result<JsValue, JsValue> {
    let region_parsed = Region::parse(region).map_err(|e| field_error("region", region, e))?;
    let profile_parsed: Profile = profile
        .parse()
        .map_err(|e| field_error("profile", profile, e))?;
    to_js(&catalog::document(&region_parsed, profile_parsed, None))
}

#[derive(Serialize)]
struct ClassifiedDoc {
    class: &'static str,
    range: Option<&'static str>,
    via: &'static str,
    effective: String,
}

/// What an address is, counting addresses inside any of `vpcCidrs` as
/// private. Throws on an address or CIDR that does not parse.
#[cfg(not(feature = "explain"))]
#[wasm_bindgen(unchecked_return_type = "Classified")]
pub fn classify(
    address: &str,
    #[wasm_bindgen(js_name = "vpcCidrs")] vpc_cidrs: Vec<String>,
) -> Result<JsValue, JsValue> {
    let ip: IpAddr = address.trim().parse().map_err(|_| {
        field_error(
            "address",
            address,
            "expected an IPv4 or IPv6 address, e.g. 10.0.1.5 or 2600:1f18::1",
        )
    })?;
    let cidrs = vpc_cidrs
        .iter()
        .map(|c| c.parse::<Cidr>().map_err(|e| field_error("vpcCidrs", c, e)))
        .collect::<Result<Vec<_>, _>>()?;
    let got = netready_core::classify(ip, &cidrs);
    let doc = ClassifiedDoc {
        class: got.class.as_str(),
        range: match got.class {
            AddressClass::Private(r) => Some(r.as_str()),
            AddressClass::Public | AddressClass::Special(_) => None,
        },
        via: got.translation.as_str(),
        effective: got.effective.to_string(),
    };
    to_js(&doc)
}

/// The AWS CLI commands (a shell script) that write every document the
/// validator reads for one VPC, from core. Throws an `Error` with `field`
/// `"vpcId"` for anything but a VPC id, `"region"` for a bad region.
#[cfg(not(feature = "explain"))]
#[wasm_bindgen(js_name = "collectCommands")]
pub fn collect_commands(
    #[wasm_bindgen(js_name = "vpcId")] vpc_id: &str,
    region: &str,
) -> Result<String, JsValue> {
    let region_parsed = Region::parse(region).map_err(|e| field_error("region", region, e))?;
    netready_core::commands::collect_commands(vpc_id, &region_parsed).map_err(|e| {
        let error = js_sys::Error::new(&e.to_string());
        // Setting a property on a fresh, unfrozen Error object cannot fail.
        let _ = js_sys::Reflect::set(&error, &"field".into(), &"vpcId".into());
        error.into()
    })
}

/// One document as the page hands it in.
struct DocumentIn {
    name: String,
    text: String,
}

/// A JavaScript `Error` with core's message and, where the problem has one
/// place, properties naming it (`document`, `path`, `line`, `column`,
/// `field`), so the page can show it next to the right box.
fn input_error(e: &InputError) -> JsValue {
    let error = js_sys::Error::new(&e.to_string());
    error.set_name("ValidateError");
    let set = |key: &str, value: JsValue| {
        // Setting a property on a fresh, unfrozen Error object cannot fail.
        let _ = js_sys::Reflect::set(&error, &JsValue::from_str(key), &value);
    };
    let kind = match e {
        InputError::NoDocuments => "no_documents",
        InputError::Json {
            document,
            line,
            column,
            ..
        } => {
            set("document", document.as_str().into());
            set("line", JsValue::from_f64(*line as f64));
            set("column", JsValue::from_f64(*column as f64));
            "json"
        }
        InputError::Shape { document, path, .. } => {
            set("document", document.as_str().into());
            set("path", path.as_str().into());
            "shape"
        }
        InputError::UnknownSubnet { .. } => {
            set("field", "subnets".into());
            "unknown_subnet"
        }
        InputError::UnknownSecurityGroup { .. } => {
            set("field", "security_groups".into());
            "unknown_security_group"
        }
        InputError::NoRegion | InputError::BadRegion { .. } => {
            set("field", "region".into());
            "region"
        }
        _ => "input",
    };
    set("kind", kind.into());
    error.into()
}

/// A `ValidateError` about an argument rather than a document: `kind` is
/// the argument's name (`documents` or `options`), as is the message's prefix.
fn argument_error(kind: &str, message: impl core::fmt::Display) -> JsValue {
    let error = js_sys::Error::new(&format!("{kind}: {message}"));
    error.set_name("ValidateError");
    // Setting a property on a fresh, unfrozen Error object cannot fail.
    let _ = js_sys::Reflect::set(&error, &JsValue::from_str("kind"), &JsValue::from_str(kind));
    error.into()
}

fn options_error(message: impl core::fmt::Display) -> JsValue {
    argument_error("options", message)
}

/// The documents as core's `vpc::parse` takes them: (name, text).
fn name_text_pairs(documents: &[DocumentIn]) -> Vec<(&str, &str)> {
    documents
        .iter()
        .map(|d| (d.name.as_str(), d.text.as_str()))
        .collect()
}

/// A `ValidateError` of kind `encoding`: `document`'s bytes are not a text
/// core reads. The message is the command line's, `NAME: what the bytes
/// look like`.
fn encoding_error(document: &str, e: &text::DecodeError) -> JsValue {
    let error = js_sys::Error::new(&format!("{document}: {e}"));
    error.set_name("ValidateError");
    let set = |key: &str, value: &str| {
        // Setting a property on a fresh, unfrozen Error object cannot fail.
        let _ = js_sys::Reflect::set(&error, &JsValue::from_str(key), &JsValue::from_str(value));
    };
    set("kind", "encoding");
    set("document", document);
    error.into()
}

/// A document's text from its bytes, by core's rule; a `ValidateError`
/// naming the document otherwise.
fn decoded(name: &str, bytes: Vec<u8>) -> Result<String, JsValue> {
    text::decode_owned(bytes)
        .map(|(text, _)| text)
        .map_err(|e| encoding_error(name, &e))
}

/// The page's documents argument, as core takes it: an array of `{name,
/// text}` or `{name, bytes}` objects (other properties are ignored).
///
/// Either way the document reaches core as bytes, decoded by
/// `text::decode_owned` as the command line decodes a file: a file's raw
/// bytes (a `Uint8Array` or `ArrayBuffer`) as they are, a text through the
/// platform's `TextEncoder` (UTF-8). Both are copied in one block instead
/// of wasm-bindgen's string passing, whose character-by-character ASCII
/// loop in JavaScript took 17 ms for the 2.7 MB benchmark VPC.
fn read_documents(documents: &JsValue) -> Result<Vec<DocumentIn>, JsValue> {
    let expected = "expected an array of {name, text} or {name, bytes} objects";
    if !js_sys::Array::is_array(documents) {
        return Err(argument_error("documents", expected));
    }
    let array = js_sys::Array::from(documents);
    let encoder = TextEncoder::new();
    let mut out = Vec::with_capacity(array.length() as usize);
    for (i, d) in array.iter().enumerate() {
        let property = |key: &str| {
            js_sys::Reflect::get(&d, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
        };
        let name = property("name").as_string().ok_or_else(|| {
            argument_error(
                "documents",
                format_args!("{expected}: documents[{i}].name is not a string"),
            )
        })?;
        let text = property("text");
        let bytes = property("bytes");
        let raw = if text.is_string() {
            encoder.encode(&text).to_vec()
        } else if let Some(array) = bytes.dyn_ref::<js_sys::Uint8Array>() {
            array.to_vec()
        } else if bytes.is_instance_of::<js_sys::ArrayBuffer>() {
            js_sys::Uint8Array::new(&bytes).to_vec()
        } else {
            return Err(argument_error(
                "documents",
                format_args!(
                    "{expected}: documents[{i}] has neither a text (a string) nor bytes (a Uint8Array or ArrayBuffer)"
                ),
            ));
        };
        let text = decoded(&name, raw)?;
        out.push(DocumentIn { name, text });
    }
    Ok(out)
}

/// A file's text, decoded from its raw bytes exactly as `validate` and
/// `netready validate` decode it (UTF-8 with or without a byte-order mark,
/// UTF-16 as PowerShell's `>` writes it), for the page to show. Throws a
/// `ValidateError` of kind `encoding` naming the file otherwise.
#[cfg(not(feature = "explain"))]
#[wasm_bindgen(js_name = "decodeFile")]
pub fn decode_text(name: &str, bytes: Vec<u8>) -> Result<String, JsValue> {
    decoded(name, bytes)
}

/// The option names `validate` takes, as `ValidateOptions` names its fields.
const OPTION_NAMES: &str =
    "region, profile, subnets, security_groups, assign_public_ip, fix_format, account";

/// The page's options argument; `undefined` and `null` mean the defaults.
///
/// Read field by field from the JavaScript object, with the rules of
/// `ValidateOptions`' JSON form (every field optional, unknown fields
/// refused as the CLI refuses unknown flags, a `null` or blank region means
/// none) and core's own parsers for every value. Not through serde: any
/// serde deserialiser links serde's error formatting, floats included,
/// about 20 KB of the module (BENCHMARKS.md, "Web"). A property whose value
/// is `undefined` counts as absent, as `JSON.stringify` drops it; a wasm
/// test compares this reader with serde_json's reading of the same options.
fn read_options(options: &JsValue) -> Result<ValidateOptions, JsValue> {
    let mut out = ValidateOptions::default();
    if options.is_undefined() || options.is_null() {
        return Ok(out);
    }
    if !options.is_object() || js_sys::Array::is_array(options) || options.is_function() {
        return Err(options_error("expected a plain object of options"));
    }
    let keys = js_sys::Object::keys(options.unchecked_ref::<js_sys::Object>());
    for key in keys.iter() {
        let name = key.as_string().unwrap_or_default();
        let value = js_sys::Reflect::get(options, &key).unwrap_or(JsValue::UNDEFINED);
        if value.is_undefined() {
            continue;
        }
        let bad = |what: &str| options_error(format_args!("{name}: {what}"));
        let string = || value.as_string().ok_or_else(|| bad("expected a string"));
        let strings = || -> Result<Vec<String>, JsValue> {
            let expected = || bad("expected an array of strings");
            if !js_sys::Array::is_array(&value) {
                return Err(expected());
            }
            js_sys::Array::from(&value)
                .iter()
                .map(|v| v.as_string().ok_or_else(expected))
                .collect()
        };
        match name.as_str() {
            "region" => {
                let text = if value.is_null() {
                    None
                } else {
                    Some(string()?)
                };
                out.region =
                    vpc::region_option(text.as_deref()).map_err(|e| bad(&e.to_string()))?;
            }
            "profile" => {
                out.profile = string()?
                    .parse()
                    .map_err(|e: catalog::ProfileError| bad(&e.to_string()))?
            }
            "subnets" => out.subnets = strings()?,
            "security_groups" => out.security_groups = strings()?,
            "assign_public_ip" => {
                out.assign_public_ip = match value.as_bool() {
                    Some(true) => AssignPublicIp::Enabled,
                    Some(false) => AssignPublicIp::Disabled,
                    None => value
                        .as_string()
                        .ok_or_else(|| bad("expected true or false"))?
                        .parse()
                        .map_err(|e: &str| bad(e))?,
                }
            }
            "fix_format" => out.fix_format = string()?.parse().map_err(|e: &str| bad(e))?,
            "account" => {
                let text = if value.is_null() {
                    None
                } else {
                    Some(string()?)
                };
                out.account =
                    vpc::account_option(text.as_deref()).map_err(|e| bad(&e.to_string()))?;
            }
            _ => {
                return Err(options_error(format_args!(
                    "unknown option `{name}`, expected one of {OPTION_NAMES}"
                )));
            }
        }
    }
    Ok(out)
}

/// Validates describe-* documents, exactly as `netready validate` does, and
/// returns the `netready.report/v1` report. Throws a `ValidateError` on bad
/// input or bad options.
#[cfg(not(feature = "explain"))]
#[wasm_bindgen(unchecked_return_type = "Report")]
pub fn validate(
    #[wasm_bindgen(unchecked_param_type = "ValidateDocument[]")] documents: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ValidateOptions | undefined")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let documents = read_documents(&documents)?;
    let options = read_options(&options)?;
    let docs = name_text_pairs(&documents);
    let report = vpc::validate(&docs, &options).map_err(|e| input_error(&e))?;
    to_js(&report)
}

/// What the VPC would look like after the recommended fix of every finding,
/// applied to the model round after round, exactly as `netready validate
/// --apply-fixes` does: the report after the fixes, with the steps of every
/// round in `applied_fixes`. Throws a `ValidateError` as `validate` does.
#[cfg(not(feature = "explain"))]
#[wasm_bindgen(js_name = whatIf, unchecked_return_type = "Report")]
pub fn what_if(
    #[wasm_bindgen(unchecked_param_type = "ValidateDocument[]")] documents: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ValidateOptions | undefined")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let documents = read_documents(&documents)?;
    let options = read_options(&options)?;
    let docs = name_text_pairs(&documents);
    let input = vpc::parse(&docs).map_err(|e| input_error(&e))?;
    let report =
        vpc::what_if(&input, &options, vpc::WHAT_IF_ROUNDS).map_err(|e| input_error(&e))?;
    to_js(&report)
}

/// `explain`'s result.
#[cfg(feature = "explain")]
#[derive(Serialize)]
struct Explained {
    explanation: Option<netready_core::explain::Explanation>,
    error: Option<String>,
}

/// Sets the page's validate report (the object `validate` returned) beside
/// a probe report (the object `JSON.parse` made of `netready probe --format
/// json`), as `netready explain` does: `{explanation, error}`. The subnet
/// is `subnet` when given, else core's choice (the probe's own, the only
/// one, the only one in the probe's zone). Reports that do not read or
/// cannot be compared give `error` (naming the report, the JSON path, or
/// why), with `explanation` null; it never throws. Only in the explain
/// module (cargo feature `explain`), which the page loads when a probe
/// report is dropped.
#[cfg(feature = "explain")]
#[wasm_bindgen(unchecked_return_type = "Explained")]
pub fn explain(
    #[wasm_bindgen(unchecked_param_type = "Report")] report: JsValue,
    #[wasm_bindgen(unchecked_param_type = "object")] probe: JsValue,
    subnet: Option<String>,
) -> Result<JsValue, JsValue> {
    use netready_core::report::ReportKind;
    let compared = reports::read(&report, ReportKind::Validate).and_then(|v| {
        let p = reports::read(&probe, ReportKind::Probe)?;
        netready_core::explain::explain(&v, &p, subnet.as_deref()).map_err(|e| alloc_string(&e))
    });
    let (explanation, error) = match compared {
        Ok(e) => (Some(e), None),
        Err(e) => (None, Some(e)),
    };
    to_js(&Explained { explanation, error })
}

#[cfg(feature = "explain")]
fn alloc_string(e: &impl core::fmt::Display) -> String {
    format!("{e}")
}

/// `read_options` against serde_json's reading of the same options as
/// JSON (`ValidateOptions`' `Deserialize`, which the command line's tests
/// and the documentation describe): the same options, or an error from both.
#[cfg(all(test, target_arch = "wasm32"))]
mod options_tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn from_js(json: &str) -> Result<ValidateOptions, String> {
        let value = js_sys::JSON::parse(json).expect("the case is JSON");
        read_options(&value).map_err(|e| {
            let e: js_sys::Error = e.unchecked_into();
            let kind = js_sys::Reflect::get(&e, &"kind".into()).expect("an Error has properties");
            assert_eq!(kind.as_string().as_deref(), Some("options"), "{json}");
            String::from(e.message())
        })
    }

    #[wasm_bindgen_test]
    fn options_read_as_serde_json_reads_them() {
        for json in [
            "{}",
            r#"{"region": "eu-west-1"}"#,
            r#"{"region": " eu-west-1 "}"#,
            r#"{"region": ""}"#,
            r#"{"region": "   "}"#,
            r#"{"region": null}"#,
            r#"{"region": 5}"#,
            r#"{"region": "mars-1"}"#,
            r#"{"region": "cn-north-1", "profile": "private"}"#,
            r#"{"profile": " runner "}"#,
            r#"{"profile": "public"}"#,
            r#"{"profile": null}"#,
            r#"{"profile": 1}"#,
            r#"{"subnets": []}"#,
            r#"{"subnets": ["subnet-1", "subnet-2"]}"#,
            r#"{"subnets": ["subnet-1", 2]}"#,
            r#"{"subnets": "subnet-1"}"#,
            r#"{"subnets": null}"#,
            r#"{"subnets": {"0": "subnet-1"}}"#,
            r#"{"security_groups": ["sg-1"]}"#,
            r#"{"security_groups": [null]}"#,
            r#"{"assign_public_ip": true}"#,
            r#"{"assign_public_ip": false}"#,
            r#"{"assign_public_ip": "ENABLED"}"#,
            r#"{"assign_public_ip": " no "}"#,
            r#"{"assign_public_ip": "maybe"}"#,
            r#"{"assign_public_ip": 1}"#,
            r#"{"assign_public_ip": null}"#,
            r#"{"fix_format": "powershell"}"#,
            r#"{"fix_format": "aws-cli"}"#,
            r#"{"fix_format": "bash"}"#,
            r#"{"account": "123456789012"}"#,
            r#"{"account": " 123456789012 "}"#,
            r#"{"account": "12345"}"#,
            r#"{"account": ""}"#,
            r#"{"account": null}"#,
            r#"{"colour": "blue"}"#,
            r#"{"region": "eu-west-1", "Region": "eu-west-1"}"#,
            r#"{"region": "us-east-1", "profile": "private", "subnets": ["s"], "security_groups": ["g"], "assign_public_ip": true, "fix_format": "powershell"}"#,
            r#""runner""#,
            "7",
            "true",
        ] {
            let ours = from_js(json);
            let theirs = serde_json::from_str::<ValidateOptions>(json);
            assert_eq!(
                ours.as_ref().ok(),
                theirs.as_ref().ok(),
                "{json}: {ours:?} but serde_json: {theirs:?}"
            );
        }
        // Undefined properties are absent, as JSON.stringify drops them.
        let o = js_sys::Object::new();
        js_sys::Reflect::set(&o, &"region".into(), &JsValue::UNDEFINED).expect("a fresh object");
        assert_eq!(read_options(&o).ok(), Some(ValidateOptions::default()));
        assert_eq!(
            read_options(&JsValue::UNDEFINED).ok(),
            Some(ValidateOptions::default())
        );
        assert_eq!(
            read_options(&JsValue::NULL).ok(),
            Some(ValidateOptions::default())
        );
        // Messages name the option and what was expected.
        let e = from_js(r#"{"colour": "blue"}"#).expect_err("unknown");
        assert_eq!(
            e,
            "options: unknown option `colour`, expected one of region, profile, subnets, security_groups, assign_public_ip, fix_format, account"
        );
        let e = from_js(r#"{"subnets": ["s", 2]}"#).expect_err("not strings");
        assert_eq!(e, "options: subnets: expected an array of strings");
        let e = from_js(r#"{"assign_public_ip": "maybe"}"#).expect_err("not a switch");
        assert_eq!(e, "options: assign_public_ip: expected true or false");
        // An array is not an object of options (serde would read a struct
        // from a sequence).
        assert!(from_js("[]").is_err());
    }
}

/// Benchmark only (cargo feature `bench-steps`, never in the page's
/// module): `validate`'s steps timed one by one with `performance.now()`.
#[cfg(feature = "bench-steps")]
mod bench_steps {
    use super::*;

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_namespace = performance)]
        fn now() -> f64;
    }

    /// Milliseconds spent in each step of one `validate` call: reading the
    /// documents argument, parsing, evaluating, writing the report's tape,
    /// decoding it into JavaScript objects, freeing the report. Returns
    /// `[read, parse, evaluate, tape, decode, free]`.
    #[wasm_bindgen(js_name = "benchSteps")]
    pub fn bench_steps(documents: JsValue, options: JsValue) -> Result<Vec<f64>, JsValue> {
        let t0 = now();
        let documents = read_documents(&documents)?;
        let options = read_options(&options)?;
        let docs = name_text_pairs(&documents);
        let t1 = now();
        let input = vpc::parse(&docs).map_err(|e| input_error(&e))?;
        let t2 = now();
        let report = vpc::evaluate(&input, &options).map_err(|e| input_error(&e))?;
        let t3 = now();
        let t = tape::Tape::of(&report).map_err(|e| js_sys::Error::new(&e.to_string()))?;
        let t4 = now();
        let js = decode_tape(&t.ops, &t.numbers, &t.text, &t.offsets);
        let t5 = now();
        // Keep the result alive until after the clock is read.
        drop(js);
        drop(t);
        drop(report);
        let t6 = now();
        Ok(vec![t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5])
    }
}
