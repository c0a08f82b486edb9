//! The two reports `explain` compares, read from JavaScript objects into
//! core's [`Report`], field by field (the module holds no serde
//! deserialiser: see `read_options` in the crate root): the probe report
//! dropped on the page (the object `JSON.parse` made of it), and the
//! validate report the page's main module returned.
//!
//! Guarantees: it reads what `netready explain` compares (schema and kind,
//! status, region, profile; a probe's context and every endpoint with its
//! addresses, DNS and TLS steps; a validate report's subnets, paths and
//! findings) with core's own names for every value (`as_str` of each enum,
//! [`AddressReport::from_parts`] for an address), so a report reads as
//! serde reads it; anything else is an error whose message names the
//! report, the JSON path and what was expected there. Fields the comparison
//! does not read (the probe's findings, the cost) are not required. The
//! browser parity test compares the result with the command line's on
//! every explain case.
//!
//! Not done here: deciding anything (core's `explain`).

use core::net::IpAddr;
use js_sys::{Array, Reflect};
use netready_core::report::{
    self, AccessType, AddressReport, AnswerClass, DnsReport, EndpointReport, FailureCode, Finding,
    FindingCode, PathReport, PolicyVerdict, ProbeContext, Reachability, Report, ReportKind,
    Severity, Source, Sourced, Status, SubnetReport, TcpOutcome, TlsOutcome, TlsReport,
};
use netready_core::rules::PublicIp;
use wasm_bindgen::JsValue;

type R<T> = Result<T, String>;

/// The message of a report that does not read: the path and what was
/// expected there.
fn bad(path: &str, expected: &str) -> String {
    format!("{path}: expected {expected}")
}

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn absent(v: &JsValue) -> bool {
    v.is_undefined() || v.is_null()
}

fn string(v: &JsValue, path: &str) -> R<String> {
    v.as_string().ok_or_else(|| bad(path, "a string"))
}

fn opt_string(v: &JsValue, path: &str) -> R<Option<String>> {
    if absent(v) {
        Ok(None)
    } else {
        string(v, path).map(Some)
    }
}

fn number(v: &JsValue, path: &str) -> R<f64> {
    v.as_f64().ok_or_else(|| bad(path, "a number"))
}

fn opt_number(v: &JsValue, path: &str) -> R<Option<f64>> {
    if absent(v) {
        Ok(None)
    } else {
        number(v, path).map(Some)
    }
}

fn count(v: &JsValue, path: &str) -> R<Option<u32>> {
    match opt_number(v, path)? {
        None => Ok(None),
        Some(n) if n >= 0.0 && n <= f64::from(u32::MAX) && n.fract() == 0.0 => Ok(Some(n as u32)),
        Some(_) => Err(bad(path, "a whole number")),
    }
}

fn array(v: &JsValue, path: &str) -> R<Array> {
    if Array::is_array(v) {
        Ok(Array::from(v))
    } else {
        Err(bad(path, "an array"))
    }
}

fn opt_array(v: &JsValue, path: &str) -> R<Array> {
    if absent(v) {
        Ok(Array::new())
    } else {
        array(v, path)
    }
}

fn object<'a>(v: &'a JsValue, path: &str) -> R<&'a JsValue> {
    if v.is_object() && !Array::is_array(v) {
        Ok(v)
    } else {
        Err(bad(path, "an object"))
    }
}

/// One of `all` by its name.
fn named<T: Copy>(v: &JsValue, path: &str, all: &[T], name: fn(T) -> &'static str) -> R<T> {
    let s = v.as_string();
    all.iter()
        .copied()
        .find(|x| s.as_deref() == Some(name(*x)))
        .ok_or_else(|| {
            let names: Vec<&str> = all.iter().map(|x| name(*x)).collect();
            bad(path, &format!("one of {}", names.join(", ")))
        })
}

fn opt_named<T: Copy>(
    v: &JsValue,
    path: &str,
    all: &[T],
    name: fn(T) -> &'static str,
) -> R<Option<T>> {
    if absent(v) {
        Ok(None)
    } else {
        named(v, path, all, name).map(Some)
    }
}

fn reachability(v: &JsValue, path: &str) -> R<Reachability> {
    match v.as_bool() {
        Some(true) => Ok(Reachability::Reachable),
        Some(false) => Ok(Reachability::Unreachable),
        None if v.is_null() => Ok(Reachability::Unknown),
        None => Err(bad(path, "true, false or null")),
    }
}

fn sourced<T>(
    v: &JsValue,
    path: &str,
    value: impl FnOnce(&JsValue, &str) -> R<T>,
) -> R<Sourced<T>> {
    object(v, path)?;
    Ok(Sourced {
        value: value(&get(v, "value"), &format!("{path}.value"))?,
        source: named(
            &get(v, "source"),
            &format!("{path}.source"),
            &Source::ALL,
            Source::as_str,
        )?,
    })
}

fn opt_sourced_text(v: &JsValue, path: &str) -> R<Sourced<Option<String>>> {
    if absent(v) {
        Ok(Sourced::unknown())
    } else {
        sourced(v, path, opt_string)
    }
}

fn strings(v: &JsValue, path: &str) -> R<Vec<String>> {
    array(v, path)?
        .iter()
        .enumerate()
        .map(|(i, x)| string(&x, &format!("{path}[{i}]")))
        .collect()
}

fn context(v: &JsValue, path: &str) -> R<ProbeContext> {
    object(v, path)?;
    let at = |k: &str| format!("{path}.{k}");
    Ok(ProbeContext {
        region: sourced(&get(v, "region"), &at("region"), opt_string)?,
        ecr_account: sourced(&get(v, "ecr_account"), &at("ecr_account"), opt_string)?,
        public_ip: sourced(&get(v, "public_ip"), &at("public_ip"), |x, p| {
            named(
                x,
                p,
                &[PublicIp::Assigned, PublicIp::NotAssigned, PublicIp::Unknown],
                PublicIp::as_str,
            )
        })?,
        vpc_cidrs: sourced(&get(v, "vpc_cidrs"), &at("vpc_cidrs"), |x, p| {
            strings(x, p)?
                .iter()
                .enumerate()
                .map(|(i, c)| c.parse().map_err(|_| bad(&format!("{p}[{i}]"), "a CIDR")))
                .collect()
        })?,
        resolvers: sourced(&get(v, "resolvers"), &at("resolvers"), strings)?,
        subnet_id: opt_sourced_text(&get(v, "subnet_id"), &at("subnet_id"))?,
        vpc_id: opt_sourced_text(&get(v, "vpc_id"), &at("vpc_id"))?,
        availability_zone: opt_sourced_text(
            &get(v, "availability_zone"),
            &at("availability_zone"),
        )?,
    })
}

fn address(v: &JsValue, path: &str) -> R<AddressReport> {
    object(v, path)?;
    let at = |k: &str| format!("{path}.{k}");
    let ip: IpAddr = string(&get(v, "ip"), &at("ip"))?
        .parse()
        .map_err(|_| bad(&at("ip"), "an IP address"))?;
    let outcome = named(
        &get(v, "outcome"),
        &at("outcome"),
        &TcpOutcome::ALL,
        TcpOutcome::as_str,
    )?;
    AddressReport::from_parts(
        ip,
        &string(&get(v, "class"), &at("class"))?,
        opt_string(&get(v, "range"), &at("range"))?.as_deref(),
        opt_string(&get(v, "via"), &at("via"))?.as_deref(),
        outcome,
        opt_number(&get(v, "ms"), &at("ms"))?,
    )
    .map_err(|e| bad(path, e))
}

fn endpoint(v: &JsValue, path: &str) -> R<EndpointReport> {
    object(v, path)?;
    let at = |k: &str| format!("{path}.{k}");
    let port = number(&get(v, "port"), &at("port"))?;
    if !(1.0..=65535.0).contains(&port) || port.fract() != 0.0 {
        return Err(bad(&at("port"), "a port number"));
    }
    let dns = get(v, "dns");
    let dns = if absent(&dns) {
        None
    } else {
        let p = at("dns");
        object(&dns, &p)?;
        Some(DnsReport {
            resolver: opt_string(&get(&dns, "resolver"), &format!("{p}.resolver"))?,
            cnames: opt_array(&get(&dns, "cnames"), &format!("{p}.cnames"))?
                .iter()
                .enumerate()
                .map(|(i, c)| string(&c, &format!("{p}.cnames[{i}]")))
                .collect::<R<_>>()?,
            ms: number(&get(&dns, "ms"), &format!("{p}.ms"))?,
            queries: count(&get(&dns, "queries"), &format!("{p}.queries"))?,
            resent: count(&get(&dns, "resent"), &format!("{p}.resent"))?,
        })
    };
    let tls = get(v, "tls");
    let tls = if absent(&tls) {
        None
    } else {
        let p = at("tls");
        object(&tls, &p)?;
        Some(TlsReport {
            outcome: named(
                &get(&tls, "outcome"),
                &format!("{p}.outcome"),
                &TlsOutcome::ALL,
                TlsOutcome::as_str,
            )?,
            issuer: opt_string(&get(&tls, "issuer"), &format!("{p}.issuer"))?,
            detail: opt_string(&get(&tls, "detail"), &format!("{p}.detail"))?,
            ms: opt_number(&get(&tls, "ms"), &format!("{p}.ms"))?,
        })
    };
    Ok(EndpointReport {
        service: string(&get(v, "service"), &at("service"))?,
        host: string(&get(v, "host"), &at("host"))?,
        port: port as u16,
        access_type: opt_named(
            &get(v, "access_type"),
            &at("access_type"),
            &AccessType::ALL,
            AccessType::as_str,
        )?,
        reachable: reachability(&get(v, "reachable"), &at("reachable"))?,
        failure: opt_named(
            &get(v, "failure"),
            &at("failure"),
            &FailureCode::ALL,
            FailureCode::as_str,
        )?,
        addresses: array(&get(v, "addresses"), &at("addresses"))?
            .iter()
            .enumerate()
            .map(|(i, a)| address(&a, &format!("{path}.addresses[{i}]")))
            .collect::<R<_>>()?,
        hints: opt_array(&get(v, "hints"), &at("hints"))?
            .iter()
            .enumerate()
            .map(|(i, h)| string(&h, &format!("{path}.hints[{i}]")))
            .collect::<R<_>>()?,
        dns,
        tls,
    })
}

fn finding(v: &JsValue, path: &str) -> R<Finding> {
    object(v, path)?;
    let at = |k: &str| format!("{path}.{k}");
    Ok(Finding {
        code: named(
            &get(v, "code"),
            &at("code"),
            &FindingCode::ALL,
            FindingCode::as_str,
        )?,
        severity: named(
            &get(v, "severity"),
            &at("severity"),
            &Severity::ALL,
            Severity::as_str,
        )?,
        resource: string(&get(v, "resource"), &at("resource"))?,
        message: string(&get(v, "message"), &at("message"))?,
        fix: opt_string(&get(v, "fix"), &at("fix"))?,
        // The comparison does not read them.
        remedies: Vec::new(),
    })
}

fn findings(v: &JsValue, path: &str) -> R<Vec<Finding>> {
    opt_array(v, path)?
        .iter()
        .enumerate()
        .map(|(i, f)| finding(&f, &format!("{path}[{i}]")))
        .collect()
}

fn path_report(v: &JsValue, path: &str) -> R<PathReport> {
    object(v, path)?;
    let at = |k: &str| format!("{path}.{k}");
    let access_type = opt_named(
        &get(v, "access_type"),
        &at("access_type"),
        &AccessType::ALL,
        AccessType::as_str,
    )?;
    Ok(PathReport {
        service: string(&get(v, "service"), &at("service"))?,
        host: string(&get(v, "host"), &at("host"))?,
        access_type,
        address_class: AnswerClass::predicted(access_type),
        reachable: reachability(&get(v, "reachable"), &at("reachable"))?,
        failure: opt_named(
            &get(v, "failure"),
            &at("failure"),
            &FailureCode::ALL,
            FailureCode::as_str,
        )?,
        path: strings(&get(v, "path"), &at("path"))?,
        policy: opt_named(
            &get(v, "policy"),
            &at("policy"),
            &PolicyVerdict::ALL,
            PolicyVerdict::as_str,
        )?,
        findings: findings(&get(v, "findings"), &at("findings"))?,
    })
}

fn subnet(v: &JsValue, path: &str) -> R<SubnetReport> {
    object(v, path)?;
    let at = |k: &str| format!("{path}.{k}");
    Ok(SubnetReport {
        subnet_id: string(&get(v, "subnet_id"), &at("subnet_id"))?,
        availability_zone: opt_string(&get(v, "availability_zone"), &at("availability_zone"))?,
        status: named(
            &get(v, "status"),
            &at("status"),
            &Status::ALL,
            Status::as_str,
        )?,
        endpoints: array(&get(v, "endpoints"), &at("endpoints"))?
            .iter()
            .enumerate()
            .map(|(i, e)| path_report(&e, &format!("{path}.endpoints[{i}]")))
            .collect::<R<_>>()?,
    })
}

/// Reads a report of `kind`; the error names the report and the path.
pub(crate) fn read(v: &JsValue, kind: ReportKind) -> R<Report> {
    let name = match kind {
        ReportKind::Probe => "probe report",
        ReportKind::Validate => "validate report",
    };
    read_kind(v, kind).map_err(|e| format!("{name}: {e}"))
}

fn read_kind(v: &JsValue, kind: ReportKind) -> R<Report> {
    object(v, "(top level)")?;
    if get(v, "schema").as_string().as_deref() != Some(report::SCHEMA) {
        return Err(bad("schema", report::SCHEMA));
    }
    let want = match kind {
        ReportKind::Probe => "probe",
        ReportKind::Validate => "validate",
    };
    if get(v, "kind").as_string().as_deref() != Some(want) {
        return Err(bad("kind", want));
    }
    let mut r = Report::new(kind, opt_string(&get(v, "region"), "region")?);
    r.status = named(&get(v, "status"), "status", &Status::ALL, Status::as_str)?;
    r.profile = opt_string(&get(v, "profile"), "profile")?;
    match kind {
        ReportKind::Probe => {
            let ctx = get(v, "context");
            if !absent(&ctx) {
                r.context = Some(context(&ctx, "context")?);
            }
            r.endpoints = array(&get(v, "endpoints"), "endpoints")?
                .iter()
                .enumerate()
                .map(|(i, e)| endpoint(&e, &format!("endpoints[{i}]")))
                .collect::<R<_>>()?;
        }
        ReportKind::Validate => {
            r.subnets = array(&get(v, "subnets"), "subnets")?
                .iter()
                .enumerate()
                .map(|(i, s)| subnet(&s, &format!("subnets[{i}]")))
                .collect::<R<_>>()?;
            r.findings = findings(&get(v, "findings"), "findings")?;
        }
    }
    Ok(r)
}
