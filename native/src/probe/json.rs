//! A probe report as JSON, its `prediction` (with `--expect`) included:
//! core's [`Report`] leaves that member to the binary (see
//! [`Report::prediction`]), so every JSON the probe writes (standard
//! output, `/status`) goes through here.
//!
//! Guarantees: the object has the report's members in the report's order,
//! then `prediction` when there is one; nothing else.

use netready_core::Report;
use netready_core::explain::Explanation;
use serde::Serialize;

#[derive(Serialize)]
struct WithPrediction<'a> {
    #[serde(flatten)]
    report: &'a Report,
    #[serde(skip_serializing_if = "Option::is_none")]
    prediction: Option<&'a Explanation>,
}

/// The report as pretty JSON (no final newline).
pub fn to_vec_pretty(report: &Report) -> serde_json::Result<Vec<u8>> {
    serde_json::to_vec_pretty(&WithPrediction {
        report,
        prediction: report.prediction.as_ref(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use netready_core::report::ReportKind;

    #[test]
    fn the_prediction_is_a_member_when_there_is_one() {
        let mut r = Report::new(ReportKind::Probe, Some("eu-west-1".into()));
        r.finish();
        let plain = String::from_utf8(to_vec_pretty(&r).expect("serialises")).expect("UTF-8");
        assert_eq!(
            plain,
            serde_json::to_string_pretty(&r).expect("serialises"),
            "without a prediction: the report's own JSON"
        );
        let v: serde_json::Value = serde_json::from_str(&plain).expect("JSON");
        assert!(v.get("prediction").is_none());
        let back: Report = serde_json::from_str(&plain).expect("reads back");
        assert_eq!(back, r);
    }
}
