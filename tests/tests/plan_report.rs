//! The plan, measured, over HTTP on both databases: a small data set whose figures are
//! worked out by hand below checks each computed measure, the district split and the
//! quarter boundaries (31 March / 1 April, in UK time); entered figures are checked,
//! authorised and audited, and their status is tested at the tolerance's edge; an
//! aim's cases are counted for everyone and listed only as far as the caller may see;
//! progress on the plan's actions, overdue ones marked; and the pages and CSV.
//!
//! The data set (plan year 2012-13; Allerdale wards moss-bay and st-michaels,
//! Copeland wards harbour and hensingham). Times are UK local; BST ran from 25 March
//! 2012 to 28 October 2012 and from 31 March 2013.
//!
//! ASB incidents (victim, ward, type, alcohol+youth):
//! - I1 2012-03-31 23:30 BST  V1 harbour noise             (31 March: before the year)
//! - I2 2012-04-01 00:30 BST  V1 harbour criminal-damage   Q1 Copeland
//! - I3 2012-05-10 20:00 BST  V1 harbour deliberate-fire A+Y Q1 Copeland
//! - I4 2012-06-30 23:30 BST  V2 moss-bay rowdy A+Y        Q1 Allerdale
//! - I5 2012-07-01 00:30 BST  V2 moss-bay criminal-damage  Q2 Allerdale
//! - I6 2012-08-15 14:00 BST  V3 st-michaels noise         Q2 Allerdale
//! - I9 2012-12-31 23:59 GMT  V3 hensingham criminal-damage Q3 Copeland
//! - I7 2013-03-31 23:30 BST  V2 harbour deliberate-fire   Q4 Copeland
//! - I8 2013-04-01 00:30 BST  V2 harbour noise             (1 April: after the year)
//!
//! Counts (all / Allerdale / Copeland): incidents Q1 3/1/2, Q2 2/2/0, Q3 1/0/1,
//! Q4 1/0/1; criminal damage Q1 1/0/1, Q2 1/1/0, Q3 1/0/1, Q4 0; deliberate fires Q1
//! 1/0/1, Q4 1/0/1; alcohol-related youth Q1 2/1/1.
//! Repeat victims (3 incidents in the 12 months up to the quarter's last day, both
//! ends included): V1 (I1, I2, I3, all in harbour) at the ends of Q1 to Q4 — at Q4
//! the window starts on 31 March 2012, so I1 still counts; V2 only at Q4 (I4, I5,
//! I7; I8 is after it), in both districts. So Q1-Q3 1/0/1, Q4 2/1/2.
//!
//! Domestic abuse (victim's case ward; arrest): W1 harbour: D1 2011-12-01, D2
//! 2012-04-01 00:30 BST arrest; W2 moss-bay: D3 2012-03-31 23:30 BST, D4 2012-06-30
//! 12:00 BST; W3 st-michaels: D5 2012-07-01 00:30 BST arrest, D6 2012-09-30 22:00 BST.
//! Q1: incidents 2/1/1, arrests 1/0/1, first-time 0, repeat rate 100% everywhere.
//! Q2: incidents 2/2/0, arrests 1/1/0, first-time 1/1/0, repeat rate 50%/50%/none.
//!
//! IOM (entered, ward; re-offended?): P1 2012-04-01 harbour, offence 2012-08-01 (yes);
//! P2 2012-06-30 moss-bay (no); P3 2012-03-31 moss-bay (not in the year); P4 2012-07-01
//! harbour, offence 2012-07-15 (yes). Q1 rate 50% / Allerdale 0% / Copeland 100%;
//! Q2 100% / none / 100%.
//!
//! Prevent & Deter: J1 harbour (Copeland), referred 2012-05-01, accepted 2012-07-01.
//! Referred Q1 1/0/1; accepted Q1 0, Q2 1/0/1.
//!
//! Gold ASB victims (case ward; opened; assessments; closed). The API stamps a case,
//! an assessment and a closure with the moment they are made, so these are loaded
//! through the store on past dates:
//! - G1 harbour: opened 2012-04-10; Gold 2012-06-30 23:30 BST (Q1's last day, though
//!   22:30 UTC); Silver 2012-09-01 12:00 BST (replaces it).
//! - G2 moss-bay: opened 2012-05-01; Gold 2012-07-01 00:30 BST (the day after Q1's
//!   last, though 30 June in UTC); closed 2012-12-31 15:00 GMT (Q3's last day).
//! - G3 st-michaels: opened 2012-03-01 (before the year); Gold 2012-03-15; closed
//!   2013-01-01 00:30 GMT (the day after Q3's last).
//! - G4 hensingham: opened 2013-03-31 20:00 BST; Gold 2013-03-31 23:30 BST (Q4's last
//!   day, the clocks gone forward that morning).
//!
//! Gold victims at each quarter's end (all / Allerdale / Copeland): Q1 G1, G3 2/1/1;
//! Q2 G2, G3 2/2/0; Q3 G3 1/1/0; Q4 G4 1/0/1.
//!
//! police.uk rows, imported by an analyst as one CSV (Allerdale 001A, Copeland 001A;
//! a Carlisle row is not kept; shoplifting counts towards no aim):
//! - 2012-06: ASB Allerdale 2, Copeland 1; criminal damage and arson Copeland 1;
//!   violence and sexual offences Allerdale 1; burglary Copeland 1; shoplifting
//!   Allerdale 1; Carlisle ASB 1.
//! - 2012-07: ASB Copeland 1; violence and sexual offences Copeland 1; burglary
//!   Allerdale 2.
//!
//! Q1 is June alone (April and May not imported: provisional): ASB 3/2/1, criminal
//! damage 1/0/1, violence 1/1/0, burglary 1/0/1. Q2 is July alone (provisional): ASB
//! 1/0/1, criminal damage 0/0/0, violence 1/0/1, burglary 2/2/0. Q3 and Q4 have no
//! month imported: not available. No baselines, so every status is not available.

use casework_store::plan_report::{BulkAsbAssessment, BulkAsbCase};
use casework_tests::http::{json_of, page, post, read, refused, store_of, submit};
use casework_tests::{TestApp, each_app};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

const YEAR: &str = "2012-13";

async fn person(app: &TestApp, token: &str, forename: &str, ward: &str) -> String {
    let body = json_of(
        post(
            app,
            token,
            "/api/v1/people",
            json!({"forename": forename, "surname": "Measured", "ward": ward}),
        )
        .await,
        201,
    )
    .await;
    body["id"].as_str().expect("id").to_string()
}

async fn asb_case(app: &TestApp, token: &str, victim: &str, ward: &str) -> String {
    let body = json_of(
        post(
            app,
            token,
            "/api/v1/asb/cases",
            json!({"person_id": victim, "ward": ward}),
        )
        .await,
        201,
    )
    .await;
    body["id"].as_str().expect("id").to_string()
}

#[allow(clippy::too_many_arguments)]
async fn asb_incident(
    app: &TestApp,
    token: &str,
    case: &str,
    victim: &str,
    at: &str,
    ward: &str,
    kind: &str,
    alcohol_youth: bool,
) -> String {
    let body = json_of(
        post(
            app,
            token,
            &format!("/api/v1/asb/cases/{case}/incidents"),
            json!({
                "occurred_at": at, "reported_at": at, "category": "nuisance", "type": kind,
                "ward": ward, "alcohol_related": alcohol_youth, "youth_related": alcohol_youth,
                "victim_ids": [victim], "perpetrator_ids": ["unknown"],
            }),
        )
        .await,
        201,
    )
    .await;
    body["id"].as_str().expect("id").to_string()
}

/// Loads the ASB incidents above; returns each one's case and id, in the order listed
/// (I1 to I6, I9, I7, I8).
async fn load_asb(app: &TestApp) -> Vec<(String, String)> {
    let token = app.api_token("police.officer").await;
    let t = token.as_str();
    let v1 = person(app, t, "Vera", "harbour").await;
    let v2 = person(app, t, "Vic", "moss-bay").await;
    let v3 = person(app, t, "Val", "st-michaels").await;
    let c1 = asb_case(app, t, &v1, "harbour").await;
    let c2 = asb_case(app, t, &v2, "moss-bay").await;
    let c3 = asb_case(app, t, &v3, "st-michaels").await;
    let mut logged = Vec::new();
    for (case, victim, at, ward, kind, ay) in [
        (
            &c1,
            &v1,
            "2012-03-31T23:30:00+01:00",
            "harbour",
            "noise",
            false,
        ),
        (
            &c1,
            &v1,
            "2012-04-01T00:30:00+01:00",
            "harbour",
            "criminal-damage",
            false,
        ),
        (
            &c1,
            &v1,
            "2012-05-10T20:00:00+01:00",
            "harbour",
            "deliberate-fire",
            true,
        ),
        (
            &c2,
            &v2,
            "2012-06-30T23:30:00+01:00",
            "moss-bay",
            "rowdy-behaviour",
            true,
        ),
        (
            &c2,
            &v2,
            "2012-07-01T00:30:00+01:00",
            "moss-bay",
            "criminal-damage",
            false,
        ),
        (
            &c3,
            &v3,
            "2012-08-15T14:00:00+01:00",
            "st-michaels",
            "noise",
            false,
        ),
        (
            &c3,
            &v3,
            "2012-12-31T23:59:00+00:00",
            "hensingham",
            "criminal-damage",
            false,
        ),
        (
            &c2,
            &v2,
            "2013-03-31T23:30:00+01:00",
            "harbour",
            "deliberate-fire",
            false,
        ),
        (
            &c2,
            &v2,
            "2013-04-01T00:30:00+01:00",
            "harbour",
            "noise",
            false,
        ),
    ] {
        let id = asb_incident(app, t, case, victim, at, ward, kind, ay).await;
        logged.push((case.clone(), id));
    }
    logged
}

async fn load_dv(app: &TestApp) -> Vec<String> {
    let token = app.api_token("dv.specialist").await;
    let t = token.as_str();
    let mut cases = Vec::new();
    for (name, ward, incidents) in [
        (
            "Wendy",
            "harbour",
            vec![
                ("2011-12-01T10:00:00Z", false),
                ("2012-04-01T00:30:00+01:00", true),
            ],
        ),
        (
            "Win",
            "moss-bay",
            vec![
                ("2012-03-31T23:30:00+01:00", false),
                ("2012-06-30T12:00:00+01:00", false),
            ],
        ),
        (
            "Wyn",
            "st-michaels",
            vec![
                ("2012-07-01T00:30:00+01:00", true),
                ("2012-09-30T22:00:00+01:00", false),
            ],
        ),
    ] {
        let victim = person(app, t, name, ward).await;
        let case = json_of(
            post(
                app,
                t,
                "/api/v1/dv/cases",
                json!({"victim_id": victim, "ward": ward}),
            )
            .await,
            201,
        )
        .await;
        let id = case["id"].as_str().expect("id").to_string();
        for (at, arrest) in incidents {
            json_of(
                post(
                    app,
                    t,
                    &format!("/api/v1/dv/cases/{id}/incidents"),
                    json!({"occurred_at": at, "reported_by": "police", "arrest_made": arrest,
                           "children_present": false}),
                )
                .await,
                201,
            )
            .await;
        }
        cases.push(id);
    }
    cases
}

async fn load_iom(app: &TestApp) -> Vec<String> {
    let token = app.api_token("iom.manager").await;
    let t = token.as_str();
    let mut members = Vec::new();
    for (name, ward, entered, offence) in [
        (
            "Paul",
            "harbour",
            "2012-04-01",
            Some(("2012-08-01", "2012-09-01")),
        ),
        ("Pete", "moss-bay", "2012-06-30", None),
        (
            "Phil",
            "moss-bay",
            "2012-03-31",
            Some(("2012-05-01", "2012-05-20")),
        ),
        (
            "Pat",
            "harbour",
            "2012-07-01",
            Some(("2012-07-15", "2012-08-01")),
        ),
    ] {
        let who = person(app, t, name, ward).await;
        let body = json_of(
            post(
                app,
                t,
                "/api/v1/iom/members",
                json!({"person_id": who, "entered_on": entered, "stream": "fixed",
                       "tier": "red", "reason": "prolific offending"}),
            )
            .await,
            201,
        )
        .await;
        members.push(body["id"].as_str().expect("id").to_string());
        if let Some((committed, proven)) = offence {
            json_of(
                post(
                    app,
                    t,
                    &format!("/api/v1/people/{who}/offences"),
                    json!({"committed_on": committed, "proven_on": proven,
                           "outcome": "conviction", "category": "theft"}),
                )
                .await,
                201,
            )
            .await;
        }
    }
    members
}

/// A Prevent & Deter referral for alcohol-related ASB, made on 1 May 2012 by housing,
/// of a young person born in 1998 (14 then). Returns its case id.
async fn load_prevent_deter(app: &TestApp) -> String {
    let housing = app.api_token("housing.officer").await;
    let young = json_of(
        post(
            app,
            &housing,
            "/api/v1/people",
            json!({"forename": "Jay", "surname": "Measured", "date_of_birth": "1998-02-01",
                   "ward": "harbour"}),
        )
        .await,
        201,
    )
    .await;
    let made = json_of(
        post(
            app,
            &housing,
            "/api/v1/prevent-deter/referrals",
            json!({"person_id": young["id"], "referred_on": "2012-05-01",
                   "reasons": ["alcohol-related-asb", "asb"],
                   "risk_factors": ["family-offending", "truanting", "alcohol-misuse",
                                    "lives-in-hotspot"],
                   "consent_young_person": true, "consent_parent": true}),
        )
        .await,
        201,
    )
    .await;
    let id = made["id"].as_str().expect("id").to_string();
    // Through the panel to the programme, accepted on 1 July: Q2, not Q1.
    let pd = app.api_token("pd.officer").await;
    for (to, on) in [
        ("screened", "2012-05-10"),
        ("assessed", "2012-05-20"),
        ("panel-decision", "2012-06-15"),
        ("accepted", "2012-07-01"),
    ] {
        json_of(
            post(
                app,
                &pd,
                &format!("/api/v1/prevent-deter/referrals/{id}/stage"),
                json!({"to": to, "on": on}),
            )
            .await,
            200,
        )
        .await;
    }
    id
}

fn moment(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("moment")
        .with_timezone(&Utc)
}

/// Loads the Gold victims' cases G1 to G4 above through the store.
async fn load_gold(app: &TestApp) {
    let store = store_of(app).await;
    let police = store
        .user_by_username("police.officer")
        .await
        .expect("read")
        .expect("police officer");
    // (ward, opened, [(tier, assessed)], closed)
    let cases = [
        (
            "harbour",
            "2012-04-10T10:00:00+01:00",
            vec![
                ("gold", "2012-06-30T23:30:00+01:00"),
                ("silver", "2012-09-01T12:00:00+01:00"),
            ],
            None,
        ),
        (
            "moss-bay",
            "2012-05-01T10:00:00+01:00",
            vec![("gold", "2012-07-01T00:30:00+01:00")],
            Some("2012-12-31T15:00:00Z"),
        ),
        (
            "st-michaels",
            "2012-03-01T10:00:00Z",
            vec![("gold", "2012-03-15T10:00:00Z")],
            Some("2013-01-01T00:30:00Z"),
        ),
        (
            "hensingham",
            "2013-03-31T20:00:00+01:00",
            vec![("gold", "2013-03-31T23:30:00+01:00")],
            None,
        ),
    ];
    let mut bulk = Vec::new();
    let mut assessments = Vec::new();
    let mut closures = Vec::new();
    for (n, (ward, opened, assessed, closed)) in cases.into_iter().enumerate() {
        let case_id = Uuid::new_v4();
        bulk.push(BulkAsbCase {
            case_id,
            person_id: Uuid::new_v4(),
            sequence: 9001 + i32::try_from(n).expect("small"),
            ward: ward.into(),
            opened_at: moment(opened),
        });
        for (tier, at) in assessed {
            assessments.push(BulkAsbAssessment {
                case_id,
                tier: tier.into(),
                assessed_at: moment(at),
            });
        }
        if let Some(at) = closed {
            closures.push((case_id, moment(at)));
        }
    }
    store
        .bulk_insert_asb_cases(&bulk, police.id, &police.agency)
        .await
        .expect("cases");
    store
        .bulk_insert_asb_assessments(&assessments, police.id)
        .await
        .expect("assessments");
    for (case_id, at) in closures {
        store
            .close_case(store.connection(), case_id, "Resolved", at)
            .await
            .expect("closed");
    }
}

/// The police.uk rows above, as one street-level file.
fn police_uk_csv() -> String {
    let mut csv = String::from(
        "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,\
         LSOA name,Crime type,Last outcome category,Context\n",
    );
    let allerdale = "E01019126,Allerdale 001A";
    let copeland = "E01019268,Copeland 001A";
    let carlisle = "E01019100,Carlisle 001A";
    for (month, lsoa, crime_type, rows) in [
        ("2012-06", allerdale, "Anti-social behaviour", 2),
        ("2012-06", copeland, "Anti-social behaviour", 1),
        ("2012-06", copeland, "Criminal damage and arson", 1),
        ("2012-06", allerdale, "Violence and sexual offences", 1),
        ("2012-06", copeland, "Burglary", 1),
        ("2012-06", allerdale, "Shoplifting", 1),
        ("2012-06", carlisle, "Anti-social behaviour", 1),
        ("2012-07", copeland, "Anti-social behaviour", 1),
        ("2012-07", copeland, "Violence and sexual offences", 1),
        ("2012-07", allerdale, "Burglary", 2),
    ] {
        for n in 0..rows {
            let id = if crime_type == "Anti-social behaviour" {
                String::new()
            } else {
                format!("{month}-{crime_type}-{lsoa}-{n}").replace([' ', ','], "-")
            };
            csv.push_str(&format!(
                "{id},{month},Cumbria Constabulary,Cumbria Constabulary,-3.5,54.6,\
                 On or near Main Street,{lsoa},{crime_type},,\r\n"
            ));
        }
    }
    csv
}

/// Imports the police.uk file as an analyst, through the API.
async fn load_police_uk(app: &TestApp) {
    let analyst = app.api_token("analyst").await;
    let response = app
        .client
        .post(app.url("/api/v1/imports/police-uk"))
        .bearer_auth(&analyst)
        .header("content-type", "text/csv")
        .body(police_uk_csv())
        .send()
        .await
        .expect("import");
    let body = json_of(response, 200).await;
    assert_eq!(body["months"], json!(["2012-06", "2012-07"]), "{body}");
    assert_eq!(body["rows_kept"], 11, "{body}");
}

/// Whether a measure's figure for a district is provisional.
fn provisional(report: &Value, measure: &str, district: &str) -> bool {
    report["measures"]
        .as_array()
        .expect("measures")
        .iter()
        .find(|m| m["measure"] == measure && m["district"] == district)
        .and_then(|m| m["provisional"].as_bool())
        .expect("provisional")
}

/// The figure of a measure for a district in a report.
fn actual(report: &Value, measure: &str, district: &str) -> Option<f64> {
    let row = report["measures"]
        .as_array()
        .expect("measures")
        .iter()
        .find(|m| m["measure"] == measure && m["district"] == district)
        .unwrap_or_else(|| panic!("no row for {measure} in {district}"));
    row["actual"].as_f64()
}

fn status(report: &Value, measure: &str, district: &str) -> String {
    report["measures"]
        .as_array()
        .expect("measures")
        .iter()
        .find(|m| m["measure"] == measure && m["district"] == district)
        .and_then(|m| m["status"].as_str())
        .expect("status")
        .to_string()
}

/// `(all, allerdale, copeland)` for a measure.
fn split(report: &Value, measure: &str) -> (Option<f64>, Option<f64>, Option<f64>) {
    (
        actual(report, measure, "all"),
        actual(report, measure, "allerdale"),
        actual(report, measure, "copeland"),
    )
}

async fn report(app: &TestApp, token: &str, quarter: &str) -> Value {
    json_of(
        read(
            app,
            token,
            &format!("/api/v1/plan/{YEAR}/report?quarter={quarter}"),
        )
        .await,
        200,
    )
    .await
}

#[tokio::test]
async fn each_computed_measure_by_district_and_quarter() {
    each_app(|app| async move {
        load_asb(&app).await;
        load_dv(&app).await;
        load_iom(&app).await;
        load_prevent_deter(&app).await;
        load_gold(&app).await;
        load_police_uk(&app).await;
        let analyst = app.api_token("analyst").await;
        let q1 = report(&app, &analyst, "Q1").await;
        let q2 = report(&app, &analyst, "Q2").await;
        let q3 = report(&app, &analyst, "Q3").await;
        let q4 = report(&app, &analyst, "Q4").await;
        assert_eq!(q1["year"], YEAR);
        assert_eq!(q1["quarter"], "Q1");
        let n = |a: f64, b: f64, c: f64| (Some(a), Some(b), Some(c));

        // ASB counts: 31 March is before Q1, 1 April in it; 30 June in Q1, 1 July in
        // Q2; 31 March 2013 in Q4 and 1 April 2013 after the year.
        assert_eq!(split(&q1, "asb-incidents"), n(3.0, 1.0, 2.0));
        assert_eq!(split(&q2, "asb-incidents"), n(2.0, 2.0, 0.0));
        assert_eq!(split(&q3, "asb-incidents"), n(1.0, 0.0, 1.0));
        assert_eq!(split(&q4, "asb-incidents"), n(1.0, 0.0, 1.0));
        assert_eq!(split(&q1, "asb-criminal-damage"), n(1.0, 0.0, 1.0));
        assert_eq!(split(&q2, "asb-criminal-damage"), n(1.0, 1.0, 0.0));
        assert_eq!(split(&q3, "asb-criminal-damage"), n(1.0, 0.0, 1.0));
        assert_eq!(split(&q4, "asb-criminal-damage"), n(0.0, 0.0, 0.0));
        assert_eq!(split(&q1, "asb-deliberate-fires"), n(1.0, 0.0, 1.0));
        assert_eq!(split(&q2, "asb-deliberate-fires"), n(0.0, 0.0, 0.0));
        assert_eq!(split(&q4, "asb-deliberate-fires"), n(1.0, 0.0, 1.0));
        assert_eq!(split(&q1, "asb-alcohol-youth-incidents"), n(2.0, 1.0, 1.0));
        assert_eq!(split(&q2, "asb-alcohol-youth-incidents"), n(0.0, 0.0, 0.0));

        // Repeat victims at each quarter's end.
        for q in [&q1, &q2, &q3] {
            assert_eq!(split(q, "asb-repeat-victims"), n(1.0, 0.0, 1.0));
        }
        assert_eq!(split(&q4, "asb-repeat-victims"), n(2.0, 1.0, 2.0));

        // Gold victims at each quarter's end: an assessment on the last day counts
        // (G1 in Q1), one the day after does not (G2 in Q1); a later Silver replaces
        // Gold (G1 in Q2); a case closed on the last day does not count (G2 in Q3),
        // one closed the day after does (G3 in Q3).
        assert_eq!(split(&q1, "asb-gold-victims"), n(2.0, 1.0, 1.0));
        assert_eq!(split(&q2, "asb-gold-victims"), n(2.0, 2.0, 0.0));
        assert_eq!(split(&q3, "asb-gold-victims"), n(1.0, 1.0, 0.0));
        assert_eq!(split(&q4, "asb-gold-victims"), n(1.0, 0.0, 1.0));
        assert_eq!(status(&q1, "asb-gold-victims", "all"), "not-available");
        assert!(!provisional(&q1, "asb-gold-victims", "all"));

        // police.uk rows by crime type, district and quarter: June is Q1, July Q2.
        assert_eq!(split(&q1, "police-uk-asb"), n(3.0, 2.0, 1.0));
        assert_eq!(split(&q1, "police-uk-criminal-damage"), n(1.0, 0.0, 1.0));
        assert_eq!(split(&q1, "police-uk-violence"), n(1.0, 1.0, 0.0));
        assert_eq!(split(&q1, "police-uk-burglary"), n(1.0, 0.0, 1.0));
        assert_eq!(split(&q2, "police-uk-asb"), n(1.0, 0.0, 1.0));
        assert_eq!(split(&q2, "police-uk-criminal-damage"), n(0.0, 0.0, 0.0));
        assert_eq!(split(&q2, "police-uk-violence"), n(1.0, 0.0, 1.0));
        assert_eq!(split(&q2, "police-uk-burglary"), n(2.0, 2.0, 0.0));
        for district in ["all", "allerdale", "copeland"] {
            // One month of three imported: provisional; no baseline: not available.
            assert!(provisional(&q1, "police-uk-burglary", district));
            assert!(provisional(&q2, "police-uk-asb", district));
            assert_eq!(status(&q2, "police-uk-asb", district), "not-available");
        }
        // No month of Q3 or Q4 imported: no figure, not a 0.
        for (q, measure) in [(&q3, "police-uk-asb"), (&q4, "police-uk-violence")] {
            assert_eq!(split(q, measure), (None, None, None));
            assert_eq!(status(q, measure, "all"), "not-available");
        }
        // Each sits under the aim its crime type counts towards.
        let aim_of = |measure: &str| {
            q1["measures"]
                .as_array()
                .expect("measures")
                .iter()
                .find(|m| m["measure"] == measure)
                .and_then(|m| m["aim"].as_str())
                .expect("aim")
                .to_string()
        };
        assert_eq!(aim_of("police-uk-asb"), "asb-hotspots");
        assert_eq!(aim_of("police-uk-criminal-damage"), "asb-criminal-damage");
        assert_eq!(aim_of("police-uk-violence"), "crime-violent");
        assert_eq!(aim_of("police-uk-burglary"), "crime-violent");
        assert_eq!(aim_of("asb-gold-victims"), "asb-repeat-victimisation");

        // Domestic abuse.
        assert_eq!(split(&q1, "dv-incidents"), n(2.0, 1.0, 1.0));
        assert_eq!(split(&q1, "dv-arrests"), n(1.0, 0.0, 1.0));
        assert_eq!(split(&q1, "dv-first-time-victims"), n(0.0, 0.0, 0.0));
        assert_eq!(split(&q1, "dv-repeat-rate"), n(100.0, 100.0, 100.0));
        assert_eq!(split(&q2, "dv-incidents"), n(2.0, 2.0, 0.0));
        assert_eq!(split(&q2, "dv-arrests"), n(1.0, 1.0, 0.0));
        assert_eq!(split(&q2, "dv-first-time-victims"), n(1.0, 1.0, 0.0));
        assert_eq!(split(&q2, "dv-repeat-rate"), (Some(50.0), Some(50.0), None));
        assert_eq!(status(&q2, "dv-repeat-rate", "copeland"), "not-available");
        assert_eq!(split(&q3, "dv-incidents"), n(0.0, 0.0, 0.0));

        // IOM re-offending of each quarter's entrants.
        assert_eq!(split(&q1, "iom-reoffending-rate"), n(50.0, 0.0, 100.0));
        assert_eq!(
            split(&q2, "iom-reoffending-rate"),
            (Some(100.0), None, Some(100.0))
        );

        // Status against the baseline, in its direction: 3 ASB incidents against 1,500
        // is improving (reduce); a 100% repeat rate against 30% is worsening; 2 DV
        // incidents against 300 is worsening (increase).
        assert_eq!(status(&q1, "asb-incidents", "all"), "improving");
        assert_eq!(status(&q1, "dv-repeat-rate", "all"), "worsening");
        assert_eq!(status(&q1, "dv-incidents", "all"), "worsening");

        // Prevent & Deter, counted as the module counts: Jay (harbour, Copeland)
        // referred on 1 May (Q1) and accepted on 1 July (Q2).
        let pd = q1["measures"]
            .as_array()
            .expect("measures")
            .iter()
            .find(|m| m["measure"] == "prevent-deter-referred" && m["district"] == "all")
            .expect("row");
        assert_eq!(pd["computed_yet"], true);
        assert_eq!(pd["actual"], 1.0);
        assert_eq!(split(&q1, "prevent-deter-referred"), n(1.0, 0.0, 1.0));
        assert_eq!(split(&q2, "prevent-deter-referred"), n(0.0, 0.0, 0.0));
        assert_eq!(split(&q1, "prevent-deter-accepted"), n(0.0, 0.0, 0.0));
        assert_eq!(split(&q2, "prevent-deter-accepted"), n(1.0, 0.0, 1.0));
        assert_eq!(actual(&q2, "prevent-deter-accepted", "all"), Some(1.0));

        // The CSV has one row per measure, district and quarter shown (four quarters
        // of a past year, three areas), and no person's name.
        let client = app.sign_in("analyst").await;
        let response = client
            .get(app.url(&format!("/plan/{YEAR}/report.csv?quarter=Q4")))
            .send()
            .await
            .expect("csv");
        assert_eq!(response.status(), 200);
        assert!(
            response.headers()["content-type"]
                .to_str()
                .expect("type")
                .starts_with("text/csv")
        );
        let csv = response.text().await.expect("csv text");
        let measures = q4["measures"].as_array().expect("measures").len() / 3;
        assert_eq!(csv.lines().count(), 1 + measures * 3 * 4, "{csv}");
        assert!(
            csv.contains(",asb-repeat-victims,Repeat victims of ASB,people,reduce,copeland,2,")
        );
        for name in ["Vera", "Measured", "Wendy", "Paul"] {
            assert!(!csv.contains(name), "a name in the CSV");
        }

        // The page: the plan's order, status in words, charts, no names.
        let (code, html) = page(&client, &app, &format!("/plan/{YEAR}/report?quarter=Q1")).await;
        assert_eq!(code, 200);
        let asb = html.find("Anti-Social Behaviour").expect("ASB");
        let ksi = html.find("killed or seriously injured").expect("KSI");
        assert!(asb < ksi);
        assert!(html.contains("Improving") && html.contains("Worsening"));
        assert!(html.contains("<svg class=\"chart\""));
        assert!(!html.contains("Vera") && !html.contains("Measured"));
    })
    .await;
}

/// The report reads counts the store keeps as incidents are logged and removed: an
/// incident removed in error leaves its quarter's counts and its victim's window.
#[tokio::test]
async fn an_incident_removed_in_error_leaves_the_figures() {
    each_app(|app| async move {
        let logged = load_asb(&app).await;
        let analyst = app.api_token("analyst").await;
        let n = |a: f64, b: f64, c: f64| (Some(a), Some(b), Some(c));
        let q4 = report(&app, &analyst, "Q4").await;
        assert_eq!(split(&q4, "asb-incidents"), n(1.0, 0.0, 1.0));
        assert_eq!(split(&q4, "asb-repeat-victims"), n(2.0, 1.0, 2.0));

        // I7: V2's deliberate fire in harbour on 31 March 2013, the third of V2's
        // incidents in the Q4 window.
        let (case, incident) = &logged[7];
        let police = app.sign_in("police.officer").await;
        let case_page = format!("/asb/cases/{case}");
        let (code, _, _) = submit(
            &police,
            &app,
            &case_page,
            &format!("/asb/cases/{case}/incidents/{incident}/remove"),
            &[("reason", "Logged on the wrong case")],
        )
        .await;
        assert_eq!(code, 303);

        let q4 = report(&app, &analyst, "Q4").await;
        assert_eq!(split(&q4, "asb-incidents"), n(0.0, 0.0, 0.0));
        assert_eq!(split(&q4, "asb-deliberate-fires"), n(0.0, 0.0, 0.0));
        assert_eq!(split(&q4, "asb-repeat-victims"), n(1.0, 0.0, 1.0));
        // The other quarters are as they were.
        let q1 = report(&app, &analyst, "Q1").await;
        assert_eq!(split(&q1, "asb-incidents"), n(3.0, 1.0, 2.0));
    })
    .await;
}

#[tokio::test]
async fn entered_figures_are_authorised_checked_audited_and_judged_at_the_edge() {
    each_app(|app| async move {
        let analyst = app.api_token("analyst").await;
        let police = app.api_token("police.officer").await;
        let housing = app.api_token("housing.officer").await;
        let admin_less = app.api_token("dpo").await;
        let path = format!("/api/v1/plan/{YEAR}/measures/ksi-casualties/figures");
        let good = json!({"quarter": "Q1", "district": "all", "value": 15,
                          "source": "CRASH group data, July 2012"});

        // Only an officer of an agency named against the aim, or the partnership's
        // analyst: the police own no KSI action, nor does a DPO enter figures.
        assert_eq!(post(&app, &police, &path, good.clone()).await.status(), 403);
        assert_eq!(
            post(&app, &housing, &path, good.clone()).await.status(),
            403
        );
        assert_eq!(
            post(&app, &admin_less, &path, good.clone()).await.status(),
            403
        );
        // Housing owns the affordable credit action, so enters credit-union figures.
        json_of(
            post(
                &app,
                &housing,
                &format!("/api/v1/plan/{YEAR}/measures/credit-union-loans/figures"),
                json!({"quarter": "Q1", "value": 30, "source": "Credit union return"}),
            )
            .await,
            201,
        )
        .await;
        // A computed measure takes no figure; an unknown one is not found.
        assert_eq!(
            post(
                &app,
                &analyst,
                &format!("/api/v1/plan/{YEAR}/measures/asb-incidents/figures"),
                good.clone()
            )
            .await
            .status(),
            409
        );
        assert_eq!(
            post(
                &app,
                &analyst,
                &format!("/api/v1/plan/{YEAR}/measures/no-such/figures"),
                good.clone()
            )
            .await
            .status(),
            404
        );
        // Every bad field named, nothing stored.
        let bad = refused(
            post(
                &app,
                &analyst,
                &path,
                json!({"quarter": "Q5", "district": "whitby", "value": 2.5, "source": " "}),
            )
            .await,
        )
        .await;
        assert_eq!(bad, vec!["quarter", "district", "value", "source"]);
        let q1 = report(&app, &analyst, "Q1").await;
        assert_eq!(actual(&q1, "ksi-casualties", "all"), None);
        assert_eq!(status(&q1, "ksi-casualties", "all"), "not-available");

        // At a 25% tolerance, 15 against a baseline of 12 is exactly on the edge: no
        // change; 16 is beyond it: worsening (fewer casualties is better).
        let store = store_of(&app).await;
        store
            .set_setting(store.connection(), "plan.status-tolerance-percent", "25")
            .await
            .expect("setting");
        let first = json_of(post(&app, &analyst, &path, good.clone()).await, 201).await;
        assert_eq!(first["replaced"], false);
        let q1 = report(&app, &analyst, "Q1").await;
        assert_eq!(actual(&q1, "ksi-casualties", "all"), Some(15.0));
        assert_eq!(status(&q1, "ksi-casualties", "all"), "no-change");
        assert_eq!(q1["tolerance_percent"], 25);
        let again = json!({"quarter": "Q1", "district": "all", "value": 16,
                           "source": "CRASH group data, corrected"});
        let second = json_of(post(&app, &analyst, &path, again).await, 201).await;
        assert_eq!(second["replaced"], true);
        let q1 = report(&app, &analyst, "Q1").await;
        assert_eq!(actual(&q1, "ksi-casualties", "all"), Some(16.0));
        assert_eq!(status(&q1, "ksi-casualties", "all"), "worsening");
        // 9 is exactly 25% below: no change; 8 is improving.
        for (value, expected) in [(9, "no-change"), (8, "improving")] {
            json_of(
                post(
                    &app,
                    &analyst,
                    &path,
                    json!({"quarter": "Q1", "value": value, "source": "CRASH"}),
                )
                .await,
                201,
            )
            .await;
            let q1 = report(&app, &analyst, "Q1").await;
            assert_eq!(status(&q1, "ksi-casualties", "all"), expected, "{value}");
        }
        // Each entry audited with what it replaced.
        let events = casework_audit::events_for_entity(
            store.connection(),
            "plan-measure-figure",
            second["id"].as_str().expect("id"),
            5,
        )
        .await
        .expect("events");
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].action, "update");
        assert!(
            events[0].summary.contains("corrected"),
            "{}",
            events[0].summary
        );
        assert!(
            events[0].summary.contains("\"value\":15"),
            "{}",
            events[0].summary
        );
    })
    .await;
}

#[tokio::test]
async fn an_aims_cases_are_counted_for_all_and_listed_as_far_as_each_may_see() {
    each_app(|app| async move {
        let dv_cases = load_dv(&app).await;
        load_iom(&app).await;
        let referral = load_prevent_deter(&app).await;
        let analyst = app.api_token("analyst").await;
        let iom = app.api_token("iom.manager").await;
        let dv = app.api_token("dv.specialist").await;
        let council = app.api_token("council.officer").await;
        let q1 = report(&app, &analyst, "Q1").await;
        let aim_id = |key: &str| {
            q1["measures"]
                .as_array()
                .expect("measures")
                .iter()
                .find(|m| m["aim"] == key)
                .and_then(|m| m["aim_id"].as_str())
                .expect("aim")
                .to_string()
        };
        let cohort = format!(
            "/api/v1/plan/{YEAR}/aims/{}/cases",
            aim_id("reoffending-iom-cohort")
        );
        // All four members are in the cohort (none de-selected).
        let seen = json_of(read(&app, &iom, &cohort).await, 200).await;
        assert_eq!(seen["serving"], 4);
        assert_eq!(seen["total"], 4);
        assert_eq!(seen["items"][0]["kind"], "iom");
        // The analyst gets the count and no case; so does a council officer.
        for token in [&analyst, &council] {
            let counted = json_of(read(&app, token, &cohort).await, 200).await;
            assert_eq!(counted["serving"], 4);
            assert_eq!(counted["total"], 0);
            assert_eq!(counted["items"], json!([]));
        }
        // Pages of one.
        let paged = json_of(
            read(&app, &iom, &format!("{cohort}?per_page=1&page=2")).await,
            200,
        )
        .await;
        assert_eq!(paged["items"].as_array().expect("items").len(), 1);
        assert_eq!(paged["total"], 4);

        // DV repeat: each case with an incident within 12 months of the one before
        // (all three: D1-D2, D3-D4, D5-D6), seen by the DV specialist only.
        let repeat = format!(
            "/api/v1/plan/{YEAR}/aims/{}/cases",
            aim_id("dv-repeat-victimisation")
        );
        let seen = json_of(read(&app, &dv, &repeat).await, 200).await;
        assert_eq!(seen["serving"], 3);
        let mut ids: Vec<String> = seen["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|c| c["case_id"].as_str().expect("id").to_string())
            .collect();
        ids.sort();
        let mut expected = dv_cases.clone();
        expected.sort();
        assert_eq!(ids, expected);
        let hidden = json_of(read(&app, &iom, &repeat).await, 200).await;
        assert_eq!(
            (hidden["serving"].clone(), hidden["total"].clone()),
            (json!(3), json!(0))
        );

        // A Prevent & Deter referral for alcohol-related ASB serves the alcohol-related
        // youth ASB aim: the P&D team sees it, the DV specialist only counts it.
        let alcohol = format!(
            "/api/v1/plan/{YEAR}/aims/{}/cases",
            aim_id("asb-alcohol-youth")
        );
        let pd = app.api_token("pd.officer").await;
        let seen = json_of(read(&app, &pd, &alcohol).await, 200).await;
        assert_eq!(seen["serving"], 1);
        assert_eq!(seen["items"][0]["case_id"], referral.as_str());
        assert_eq!(
            seen["items"][0]["reasons"],
            json!(["referred for alcohol-related ASB"])
        );
        let counted = json_of(read(&app, &dv, &alcohol).await, 200).await;
        assert_eq!(
            (counted["serving"].clone(), counted["total"].clone()),
            (json!(1), json!(0))
        );

        // An unknown aim is not found; the list read is audited.
        let missing = format!("/api/v1/plan/{YEAR}/aims/{}/cases", uuid::Uuid::new_v4());
        assert_eq!(read(&app, &iom, &missing).await.status(), 404);
        let store = store_of(&app).await;
        let events = casework_audit::events_for_entity(
            store.connection(),
            "plan-aim",
            &aim_id("reoffending-iom-cohort"),
            20,
        )
        .await
        .expect("events");
        assert!(
            events
                .iter()
                .any(|e| e.action == "search" && e.result_count == Some(4))
        );

        // The page lists them with the reason.
        let client = app.sign_in("iom.manager").await;
        let (code, html) = page(
            &client,
            &app,
            &format!(
                "/plan/{YEAR}/aims/{}/cases",
                aim_id("reoffending-iom-cohort")
            ),
        )
        .await;
        assert_eq!(code, 200);
        assert!(html.contains("4 cases serve this aim"), "{html}");
        assert!(html.contains("the member is in the IOM cohort"));
    })
    .await;
}

#[tokio::test]
async fn plan_actions_take_progress_from_their_owners_and_show_overdue() {
    each_app(|app| async move {
        let police = app.api_token("police.officer").await;
        let housing = app.api_token("housing.officer").await;
        let analyst = app.api_token("analyst").await;
        let before = report(&app, &analyst, "Q1").await;
        let action = |r: &Value, text: &str| {
            r["actions"]
                .as_array()
                .expect("actions")
                .iter()
                .find(|a| a["text"].as_str().is_some_and(|t| t.starts_with(text)))
                .cloned()
                .expect("action")
        };
        // Review December 2011, nothing recorded: overdue. No review date: never.
        let outreach = action(&before, "Secure continuation of IOM outreach worker post");
        assert_eq!(outreach["overdue"], true);
        assert_eq!(outreach["status"], "not-started");
        let develop = action(&before, "Further develop Integrated Offender Management");
        assert_eq!(develop["overdue"], false);
        let id = develop["id"].as_str().expect("id");
        let path = format!("/api/v1/plan/{YEAR}/actions/{id}/progress");
        // Housing does not own it; bad input is named.
        assert_eq!(
            post(
                &app,
                &housing,
                &path,
                json!({"status": "complete", "note": "x"})
            )
            .await
            .status(),
            403
        );
        let bad = refused(
            post(
                &app,
                &police,
                &path,
                json!({"status": "nearly", "note": ""}),
            )
            .await,
        )
        .await;
        assert_eq!(bad, vec!["status", "note"]);
        let done = json_of(
            post(
                &app,
                &police,
                &path,
                json!({"status": "in-progress", "note": "Cohort reviewed with probation"}),
            )
            .await,
            201,
        )
        .await;
        let after = report(&app, &analyst, "Q1").await;
        let develop = action(&after, "Further develop Integrated Offender Management");
        assert_eq!(develop["status"], "in-progress");
        assert_eq!(develop["latest_note"], "Cohort reviewed with probation");
        let store = store_of(&app).await;
        let events = casework_audit::events_for_entity(
            store.connection(),
            "plan-action-update",
            done["id"].as_str().expect("id"),
            5,
        )
        .await
        .expect("events");
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].action, "create");

        // On the page, for the owner, with the form; overdue marked.
        let client = app.sign_in("police.officer").await;
        let report_page = format!("/plan/{YEAR}/report?quarter=Q1");
        let (code, html) = page(&client, &app, &report_page).await;
        assert_eq!(code, 200);
        assert!(html.contains("Overdue"));
        assert!(html.contains("Cohort reviewed with probation"));
        let (code, location, _) = submit(
            &client,
            &app,
            &report_page,
            &format!("/plan/{YEAR}/actions/{id}/progress"),
            &[("status", "complete"), ("note", "IOM review finished")],
        )
        .await;
        assert_eq!(code, 303, "{location}");
        let (_, html) = page(&client, &app, &report_page).await;
        assert!(html.contains("IOM review finished"));
        // An administrator without a case role sees no measures.
        let admin = app.api_token("demo.admin").await;
        assert_eq!(
            read(
                &app,
                &admin,
                &format!("/api/v1/plan/{YEAR}/report?quarter=Q1")
            )
            .await
            .status(),
            403
        );
        // The API is described in the OpenAPI document.
        let doc = json_of(app.get("/api/v1/openapi.json").await, 200).await;
        for path in [
            "/api/v1/plan/{year}/report",
            "/api/v1/plan/{year}/aims/{id}/cases",
            "/api/v1/plan/{year}/measures/{id}/figures",
            "/api/v1/plan/{year}/actions/{id}/progress",
        ] {
            assert!(doc["paths"].get(path).is_some(), "{path} missing");
        }
        // A year with no plan, and a bad quarter.
        assert_eq!(
            read(&app, &analyst, "/api/v1/plan/2030-31/report")
                .await
                .status(),
            404
        );
        assert_eq!(
            read(
                &app,
                &analyst,
                &format!("/api/v1/plan/{YEAR}/report?quarter=Q9")
            )
            .await
            .status(),
            422
        );
    })
    .await;
}
