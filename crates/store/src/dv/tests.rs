//! The DV queries on both databases: a victim's record across cases, the open cases an
//! officer may see with their MARAC decision, the cases naming a person, and the facts
//! of the measures, per district, against what the incidents say by hand.

use std::collections::BTreeSet;

use casework_domain::access::{Actor, CaseKind};
use casework_domain::calendar::{Period, uk_day, uk_midnight};
use casework_domain::dv::{
    DashAnswers, DashCutOffs, DvIncident, MaracReason, MaracReferral, MaracRule, Perpetrator,
    RepeatVictimisation, ReportedBy, assess,
};
use casework_domain::people::PersonDetails;
use casework_domain::roles::Role;
use casework_domain::settings::Settings;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use uuid::Uuid;

use super::{NewDvCase, dash_instrument};
use crate::Store;
use crate::people::Creator;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("date")
}

/// Noon UTC on a day (the same UK day, summer or winter).
fn noon(day: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(12, 0, 0).expect("time"))
}

async fn officer(store: &Store, username: &str, agency: &str, roles: &[Role]) -> Actor {
    let user = crate::testing::test_user(store, username, agency, roles).await;
    Actor {
        user_id: user.id,
        agency: agency.into(),
        roles: roles.iter().copied().collect::<BTreeSet<_>>(),
    }
}

async fn person(store: &Store, actor: &Actor, name: &str) -> Uuid {
    let details = PersonDetails {
        forename: name.into(),
        surname: "Example".into(),
        date_of_birth: None,
        address: None,
        ward: None,
    };
    store
        .create_person(
            store.connection(),
            &details,
            Creator {
                user_id: actor.user_id,
                agency: &actor.agency,
            },
        )
        .await
        .expect("person")
        .id
}

async fn open(
    store: &Store,
    actor: &Actor,
    victim: Uuid,
    perpetrator: Option<Uuid>,
    ward: &str,
) -> Uuid {
    let txn = store.begin_write().await.expect("txn");
    let case = store
        .open_dv_case(
            &txn,
            NewDvCase {
                victim_id: victim,
                perpetrator_id: perpetrator,
                ward: ward.into(),
                summary: None,
                owner_agency: actor.agency.clone(),
                logged_by: actor.user_id,
                lead_officer: Some(actor.user_id),
                opened_at: noon(d(2012, 4, 1)),
            },
        )
        .await
        .expect("case");
    txn.commit().await.expect("commit");
    case.id
}

async fn incident(
    store: &Store,
    actor: &Actor,
    case: Uuid,
    victim: Uuid,
    on: NaiveDate,
    arrest: bool,
) {
    let incident = DvIncident {
        occurred_at: noon(on),
        reported_by: ReportedBy::Police,
        victim,
        perpetrator: Perpetrator::Unknown,
        arrest_made: arrest,
        children_present: false,
        summary: None,
    };
    let case = store
        .case(store.connection(), case)
        .await
        .expect("read")
        .expect("case");
    store
        .log_dv_incident(
            store.connection(),
            &case,
            &incident,
            actor.user_id,
            Utc::now(),
        )
        .await
        .expect("incident");
}

#[tokio::test]
async fn dv_cases_victims_and_measures_on_both_databases() {
    crate::testing::each_database(|store| async move {
        store.load_reference_data().await.expect("reference");
        let police = officer(
            &store,
            "dv.police",
            "cumbria-constabulary",
            &[Role::Officer, Role::DvSpecialist],
        )
        .await;
        let housing = officer(&store, "housing", "derwent-solway-ha", &[Role::Officer]).await;
        let ann = person(&store, &police, "Ann").await;
        let bea = person(&store, &police, "Bea").await;
        let abuser = person(&store, &police, "Abuser").await;

        // The case's reference is the first DV number of the year it was opened.
        let harbour = open(&store, &police, ann, Some(abuser), "harbour").await;
        let moss_bay = open(&store, &police, ann, None, "moss-bay").await;
        let bea_case = open(&store, &police, bea, None, "moss-bay").await;
        let read = store
            .dv_case(store.connection(), harbour)
            .await
            .expect("read")
            .expect("case");
        assert_eq!(read.case.reference, "DV-2012-00001");
        assert_eq!(read.case.kind, CaseKind::DomesticAbuse);
        assert_eq!(read.perpetrator, Some(abuser));

        // Ann: 10 March 2012 in Copeland (before Q1), 1 May Copeland, 20 May in
        // Allerdale. Bea: 2 June Allerdale only.
        incident(&store, &police, harbour, ann, d(2012, 3, 10), false).await;
        incident(&store, &police, harbour, ann, d(2012, 5, 1), true).await;
        incident(&store, &police, moss_bay, ann, d(2012, 5, 20), false).await;
        incident(&store, &police, bea_case, bea, d(2012, 6, 2), true).await;

        // A high DASH on Ann's Copeland case, then a referral on 21 May (a repeat? no:
        // no earlier referral).
        let instrument = dash_instrument();
        let answers = DashAnswers::parse(
            &instrument
                .questions()
                .iter()
                .enumerate()
                .map(|(n, q)| (q.key.clone(), if n < 14 { "yes" } else { "no" }.to_string()))
                .collect(),
            instrument,
        )
        .expect("answers");
        let cut = DashCutOffs::from_settings(&Settings::default());
        let read_case = |id: Uuid| {
            let store = store.clone();
            async move {
                store
                    .case(store.connection(), id)
                    .await
                    .expect("read")
                    .expect("case")
            }
        };
        let harbour_case = read_case(harbour).await;
        let moss_bay_case = read_case(moss_bay).await;
        let assessment = assess(instrument, &answers, cut, None).expect("assessed");
        store
            .record_dash(
                store.connection(),
                &harbour_case,
                &answers,
                &assessment,
                police.user_id,
                noon(d(2012, 5, 21)),
            )
            .await
            .expect("dash");
        // Until a referral is made, both of Ann's cases need one: high risk, and three
        // incidents in twelve months.
        let rule = MaracRule::from_settings(&Settings::default());
        let needing = store
            .dv_cases_needing_referral(&police, &rule, d(2012, 5, 21), 1, 25)
            .await
            .expect("needing");
        assert_eq!(needing.total, 2);
        let needing = needing.items;
        // A page at a time (in memory: the rule decides), the same cases in order.
        let mut paged = Vec::new();
        for page in 1..=3 {
            let found = store
                .dv_cases_needing_referral(&police, &rule, d(2012, 5, 21), page, 1)
                .await
                .expect("page");
            assert_eq!(found.total, 2);
            paged.extend(found.items.into_iter().map(|l| l.case.id));
        }
        assert_eq!(paged, needing.iter().map(|l| l.case.id).collect::<Vec<_>>());
        let mut needing_ids: Vec<Uuid> = needing.iter().map(|l| l.case.id).collect();
        needing_ids.sort_unstable();
        let mut ann_cases = vec![harbour, moss_bay];
        ann_cases.sort_unstable();
        assert_eq!(needing_ids, ann_cases);
        assert_eq!(
            needing[0].marac.reasons,
            [
                MaracReason::VisibleHighRisk,
                MaracReason::PotentialEscalation
            ]
        );
        let referral = MaracReferral {
            referred_on: d(2012, 5, 21),
            reasons: vec![MaracReason::VisibleHighRisk],
            meeting_on: Some(d(2012, 6, 14)),
            is_repeat: false,
        };
        store
            .record_marac_referral(
                store.connection(),
                &harbour_case,
                &referral,
                police.user_id,
                Utc::now(),
            )
            .await
            .expect("referral");
        let twice = store
            .record_marac_referral(
                store.connection(),
                &moss_bay_case,
                &referral,
                police.user_id,
                Utc::now(),
            )
            .await;
        assert!(matches!(twice, Err(crate::StoreError::Fields(f)) if f[0].field == "referred_on"));

        // The victim's record spans both her cases.
        let records = store
            .victim_records(store.connection(), &[ann, bea])
            .await
            .expect("records");
        let ann_record = &records[&ann];
        assert_eq!(ann_record.incidents.len(), 3);
        assert_eq!(ann_record.referrals, [d(2012, 5, 21)]);
        assert_eq!(
            ann_record.latest_assessment().map(|o| o.yes_count),
            Some(14)
        );
        assert!(ann_record.assessment_on(d(2012, 5, 20)).is_none());
        assert_eq!(records[&bea].incidents, [noon(d(2012, 6, 2))]);
        let read = store
            .dv_case(store.connection(), harbour)
            .await
            .expect("read")
            .expect("case");
        assert_eq!(read.incidents.len(), 2, "only this case's incidents");
        assert_eq!(
            read.victim_record.incidents.len(),
            3,
            "the victim's, from every case"
        );
        assert_eq!(read.referrals[0].meeting_on, Some(d(2012, 6, 14)));
        assert_eq!(read.latest_assessment().map(|a| a.answers.len()), Some(24));

        // Open cases with the MARAC decision on 30 June: Ann's referral covers her latest
        // incident (20 May); Bea has one incident and no reason.
        let lines = store
            .open_dv_cases_for(&police, &rule, d(2012, 6, 30), 1, 25)
            .await
            .expect("lines");
        assert_eq!(lines.total, 3);
        let lines = lines.items;
        assert_eq!(lines.len(), 3);
        // A page at a time (in SQL), newest first, the same cases as all at once.
        let mut paged = Vec::new();
        for page in 1..=3 {
            let found = store
                .open_dv_cases_for(&police, &rule, d(2012, 6, 30), page, 2)
                .await
                .expect("page");
            assert_eq!(found.total, 3);
            assert_eq!(found.items.len(), [2, 1, 0][page as usize - 1]);
            paged.extend(found.items.into_iter().map(|l| l.case.id));
        }
        assert_eq!(paged, lines.iter().map(|l| l.case.id).collect::<Vec<_>>());
        assert!(lines.iter().all(|l| !l.marac.required));
        assert!(
            store
                .dv_cases_needing_referral(&police, &rule, d(2012, 6, 30), 1, 25)
                .await
                .expect("needing")
                .items
                .is_empty()
        );
        let harbour_line = lines.iter().find(|l| l.case.id == harbour).expect("line");
        assert_eq!(
            harbour_line.marac.reasons,
            [
                MaracReason::VisibleHighRisk,
                MaracReason::PotentialEscalation
            ]
        );
        assert_eq!(harbour_line.level.map(|l| l.as_str()), Some("high"));
        assert_eq!(harbour_line.last_incident, Some(noon(d(2012, 5, 1))));
        // A housing officer sees none of them until one is shared with their agency.
        assert!(
            store
                .open_dv_cases_for(&housing, &rule, d(2012, 6, 30), 1, 25)
                .await
                .expect("none")
                .items
                .is_empty()
        );
        store
            .share_case(
                store.connection(),
                bea_case,
                "derwent-solway-ha",
                "MARAC",
                police.user_id,
                Utc::now(),
            )
            .await
            .expect("share");
        let shared = store
            .open_dv_cases_for(&housing, &rule, d(2012, 6, 30), 1, 25)
            .await
            .expect("shared")
            .items;
        assert_eq!(
            shared.iter().map(|l| l.case.id).collect::<Vec<_>>(),
            [bea_case]
        );

        // The cases naming the abuser: Ann's harbour case, as perpetrator.
        let named = store.dv_cases_naming(abuser).await.expect("named");
        assert_eq!(named.len(), 1);
        assert!(named[0].as_perpetrator && !named[0].as_victim);
        assert_eq!(store.dv_cases_naming(ann).await.expect("ann").len(), 2);

        // Q1 2012-13: incidents 1 May (Copeland, arrest), 20 May (Allerdale), 2 June
        // (Allerdale, arrest). Ann's 1 May and 20 May both have a repeat victim (10
        // March is look-back); Bea is a first-time victim in Allerdale.
        let q1 = Period {
            from: d(2012, 4, 1),
            to: d(2012, 6, 30),
        };
        let facts = store.dv_measure_facts(q1).await.expect("facts");
        assert_eq!(facts.incidents.len(), 3);
        assert_eq!(facts.earlier.len(), 1);
        assert_eq!(facts.earlier[0].occurred_on, d(2012, 3, 10));
        let m = store
            .dv_measures(q1, RepeatVictimisation::from_settings(&Settings::default()))
            .await
            .expect("measures");
        assert_eq!((m.overall.incidents, m.overall.arrests), (3, 2));
        assert_eq!(m.overall.incidents_with_repeat_victim, 2);
        assert_eq!(m.overall.first_time_victims, 1);
        assert_eq!(
            (m.overall.marac_referrals, m.overall.repeat_marac_referrals),
            (1, 0)
        );
        let copeland = m.area(&"copeland".to_string());
        assert_eq!((copeland.incidents, copeland.marac_referrals), (1, 1));
        let allerdale = m.area(&"allerdale".to_string());
        assert_eq!((allerdale.incidents, allerdale.first_time_victims), (2, 1));
        assert_eq!(allerdale.incidents_with_repeat_victim, 1);

        // The boundaries are UK days: 23:30 UTC on 30 June is 1 July in the UK (BST).
        let late = DvIncident {
            occurred_at: uk_midnight(d(2012, 7, 1)) + Duration::minutes(30),
            reported_by: ReportedBy::Victim,
            victim: bea,
            perpetrator: Perpetrator::Unknown,
            arrest_made: false,
            children_present: true,
            summary: Some("After midnight".into()),
        };
        assert_eq!(uk_day(late.occurred_at), d(2012, 7, 1));
        let bea_read = store
            .case(store.connection(), bea_case)
            .await
            .expect("read")
            .expect("case");
        store
            .log_dv_incident(
                store.connection(),
                &bea_read,
                &late,
                police.user_id,
                Utc::now(),
            )
            .await
            .expect("late");
        let again = store.dv_measure_facts(q1).await.expect("facts");
        assert_eq!(again.incidents.len(), 3, "1 July is outside Q1");
    })
    .await;
}

/// The list's filter in SQL and `access::decide` agree, LMAPS agendas included: each
/// actor's list holds exactly the open cases `decide` lets them view, with the facts
/// `Store::case_facts_on` gives for the day.
#[tokio::test]
async fn the_open_cases_are_what_decide_allows_agendas_included() {
    use casework_domain::access::{CaseAction, Decision, decide};
    use casework_domain::lmaps::NewMeeting;

    crate::testing::each_database(|store| async move {
        store.load_reference_data().await.expect("reference");
        let police = "cumbria-constabulary";
        let specialist =
            officer(&store, "spec", police, &[Role::Officer, Role::DvSpecialist]).await;
        let constable = officer(&store, "constable", police, &[Role::Officer]).await;
        let housing = officer(&store, "housing", "derwent-solway-ha", &[Role::Officer]).await;
        let housing_lmaps =
            officer(&store, "housing.lmaps", "derwent-solway-ha", &[Role::Lmaps]).await;
        let fire_lmaps = officer(&store, "fire.lmaps", "cumbria-fire-rescue", &[Role::Lmaps]).await;
        let chair = officer(
            &store,
            "chair",
            "copeland-bc",
            &[Role::Lmaps, Role::Officer],
        )
        .await;
        let analyst = officer(&store, "analyst", "west-cumbria-csp", &[Role::Analyst]).await;
        let mut cases = Vec::new();
        for name in ["Own", "Shared", "Agenda", "Closed"] {
            let victim = person(&store, &specialist, name).await;
            cases.push(open(&store, &specialist, victim, None, "harbour").await);
        }
        let (shared, on_agenda, closed) = (cases[1], cases[2], cases[3]);
        let now = Utc::now();
        store
            .share_case(
                store.connection(),
                shared,
                "derwent-solway-ha",
                "MARAC",
                specialist.user_id,
                now,
            )
            .await
            .expect("share");
        store
            .close_case(store.connection(), closed, "Moved away", now)
            .await
            .expect("close");
        let today = uk_day(now);
        let meeting = store
            .create_lmaps_meeting(
                store.connection(),
                &NewMeeting {
                    district: "copeland".into(),
                    held_on: today,
                    invited_agencies: BTreeSet::from(["derwent-solway-ha".to_string()]),
                },
                chair.user_id,
                now,
            )
            .await
            .expect("meeting");
        for case in [on_agenda, closed] {
            store
                .choose_lmaps_item(
                    store.connection(),
                    meeting.id,
                    case,
                    crate::lmaps::ADDED,
                    None,
                    chair.user_id,
                    now,
                )
                .await
                .expect("on the agenda");
        }
        let rule = MaracRule::from_settings(&Settings::default());
        for (actor, sees) in [
            (&specialist, 3),
            (&constable, 0),
            (&housing, 1),
            (&housing_lmaps, 1),
            (&fire_lmaps, 0),
            (&chair, 0),
            (&analyst, 0),
        ] {
            let mut expected = BTreeSet::new();
            for case in &cases[..3] {
                let facts = store
                    .case_facts_on(*case, today)
                    .await
                    .expect("facts")
                    .expect("case");
                if decide(actor, CaseAction::View, &facts) == Decision::Allow {
                    expected.insert(*case);
                }
            }
            let listed: BTreeSet<Uuid> = store
                .open_dv_cases_for(actor, &rule, today, 1, 25)
                .await
                .expect("list")
                .items
                .into_iter()
                .map(|l| l.case.id)
                .collect();
            assert_eq!(listed, expected, "{}", actor.agency);
            assert_eq!(listed.len(), sees, "{:?}", actor.roles);
        }
        let agenda_reader = store
            .open_dv_cases_for(&housing_lmaps, &rule, today, 1, 25)
            .await
            .expect("list")
            .items;
        assert_eq!(agenda_reader[0].case.id, on_agenda);
    })
    .await;
}
