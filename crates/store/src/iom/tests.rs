//! The IOM store on both databases: selection, tiers, de-selection and re-selection;
//! needs and a housing referral sharing the membership; offences; and the facts of the
//! re-offending measure against figures worked by hand.

use std::collections::{BTreeSet, HashSet};

use casework_domain::access::{self, Actor, CaseAction, Decision};
use casework_domain::calendar::Period;
use casework_domain::iom::{
    HousingTarget, MembershipInput, NeedInput, NeedStatus, Offence, OffenceInput, Reoffending,
    Tier, check_deselection, check_selection, check_tier_change, measure,
};
use casework_domain::people::PersonDetails;
use casework_domain::roles::Role;
use casework_domain::settings::Settings;
use chrono::{NaiveDate, TimeZone, Utc};
use uuid::Uuid;

use super::{ImportedOffence, NewIomMember, NewNeedReferral};
use crate::Store;
use crate::people::Creator;
use crate::testing::each_database;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("date")
}

async fn user(store: &Store, username: &str, agency: &str, role: Role) -> Actor {
    let user = crate::testing::test_user(store, username, agency, &[role]).await;
    Actor {
        user_id: user.id,
        agency: agency.into(),
        roles: BTreeSet::from([role]),
    }
}

async fn person(store: &Store, actor: &Actor, name: &str) -> Uuid {
    let details = PersonDetails {
        forename: name.into(),
        surname: "Example".into(),
        date_of_birth: None,
        address: None,
        ward: Some("moss-bay".into()),
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

async fn select(store: &Store, team: &Actor, who: Uuid, on: NaiveDate, tier: &str) -> Uuid {
    let txn = store.begin_write().await.expect("txn");
    let earlier: Vec<_> = store
        .iom_memberships_of(&txn, who)
        .await
        .expect("read")
        .into_iter()
        .map(|(_, m)| m)
        .collect();
    let input = MembershipInput {
        entered_on: Some(on),
        stream: "fixed",
        tier,
        reason: Some("prolific"),
    };
    let (membership, reason) = check_selection(&input, &earlier, d(2026, 1, 1)).expect("valid");
    let member = store
        .select_iom_member(
            &txn,
            NewIomMember {
                person_id: who,
                membership,
                selection_reason: reason,
                ward: None,
                owner_agency: team.agency.clone(),
                logged_by: team.user_id,
                lead_officer: Some(team.user_id),
                police_lead: None,
                probation_lead: None,
                placement: Some("Accommodation pilot".into()),
                outreach_worker: None,
                now: Utc::now(),
            },
        )
        .await
        .expect("selected");
    txn.commit().await.expect("commit");
    member.case.id
}

fn offence(committed: &str, proven: &str) -> Offence {
    Offence::parse(
        &OffenceInput {
            committed_on: committed,
            proven_on: proven,
            outcome: "conviction",
            category: "burglary",
            harm_weight: "2",
        },
        d(2026, 1, 1),
    )
    .expect("offence")
}

#[tokio::test]
async fn memberships_needs_referrals_and_offences_on_both_databases() {
    each_database(|store| async move {
        store.load_reference_data().await.expect("reference");
        let team = user(&store, "iom", "iom-team", Role::Iom).await;
        let housing = user(&store, "housing", "derwent-solway-ha", Role::Officer).await;
        let a = person(&store, &team, "Ann").await;
        let b = person(&store, &team, "Bob").await;
        let now = Utc
            .with_ymd_and_hms(2013, 1, 1, 12, 0, 0)
            .single()
            .expect("now");

        // A: selected, tier changed, de-selected, re-selected.
        let first = select(&store, &team, a, d(2012, 5, 1), "red").await;
        let member = store
            .iom_member(store.connection(), first)
            .await
            .expect("read")
            .expect("member");
        assert_eq!(member.case.reference.get(..4), Some("IOM-"));
        assert_eq!(member.case.ward, "moss-bay");
        let change = check_tier_change(
            &member.membership(),
            "amber",
            d(2012, 7, 1),
            None,
            d(2026, 1, 1),
        )
        .expect("change");
        store
            .change_iom_tier(store.connection(), first, &change, team.user_id, now)
            .await
            .expect("tier");
        let member = store
            .iom_member(store.connection(), first)
            .await
            .expect("read")
            .expect("member");
        assert_eq!(member.current_tier(), Some(Tier::Amber));
        assert_eq!(member.membership().entry_tier(), Some(Tier::Red));
        let out = check_deselection(
            &member.membership(),
            Some(d(2012, 9, 1)),
            Some("custody"),
            d(2026, 1, 1),
        )
        .expect("out");
        store
            .deselect_iom_member(store.connection(), first, &out, now)
            .await
            .expect("deselect");
        let second = select(&store, &team, a, d(2012, 11, 1), "green").await;
        assert_ne!(first, second);
        let all = store
            .iom_memberships_of(store.connection(), a)
            .await
            .expect("read");
        assert_eq!(all.len(), 2);
        assert!(!all[0].1.is_active() && all[1].1.is_active());

        // Closed through the case routes instead of de-selected: over all the same.
        let closed = store
            .close_case(store.connection(), second, "moved away", now)
            .await
            .expect("closed");
        assert!(closed.is_open());
        let all = store
            .iom_memberships_of(store.connection(), a)
            .await
            .expect("read");
        assert!(all.iter().all(|(_, m)| !m.is_active()));
        assert_eq!(
            all[1].1.deselected.as_ref().map(|d| d.on),
            Some(d(2013, 1, 1))
        );

        // B: a housing need referred to a housing provider shares the membership.
        let b_case = select(&store, &team, b, d(2012, 6, 1), "red").await;
        let need = NeedInput::parse("accommodation", None, Some("no fixed abode")).expect("need");
        let need = store
            .add_iom_need(store.connection(), b_case, &need, team.user_id, now)
            .await
            .expect("need");
        let facts = store.case_facts(b_case).await.expect("read").expect("case");
        assert_eq!(
            access::decide(&housing, CaseAction::View, &facts),
            Decision::NotFound
        );
        let not_housing = store
            .refer_iom_need(
                store.connection(),
                b_case,
                &NewNeedReferral {
                    need_id: need.id,
                    to: HousingTarget::Agency("cumbria-probation".into()),
                    reason: "needs a tenancy".into(),
                    by: team.user_id,
                    now,
                },
            )
            .await;
        assert!(not_housing.is_err());
        store
            .refer_iom_need(
                store.connection(),
                b_case,
                &NewNeedReferral {
                    need_id: need.id,
                    to: HousingTarget::Agency("derwent-solway-ha".into()),
                    reason: "needs a tenancy".into(),
                    by: team.user_id,
                    now,
                },
            )
            .await
            .expect("referred");
        let facts = store.case_facts(b_case).await.expect("read").expect("case");
        assert_eq!(
            access::decide(&housing, CaseAction::View, &facts),
            Decision::Allow
        );
        store
            .set_iom_need_status(
                store.connection(),
                b_case,
                need.id,
                NeedStatus::InProgress,
                None,
                now,
            )
            .await
            .expect("status");
        let board = store
            .iom_board(
                store.connection(),
                &team,
                &super::BoardFilter::default(),
                d(2012, 6, 30),
            )
            .await
            .expect("board");
        // A's memberships are both over: only B is active.
        assert_eq!(board.len(), 1);
        let b_line = board.iter().find(|l| l.case.id == b_case).expect("b");
        assert_eq!(b_line.open_needs.len(), 1);
        assert_eq!(b_line.case.shares.len(), 1);
        assert_eq!(b_line.facts, facts);
        // Housing's board holds the member referred to it, as the policy decides.
        let housing_board = store
            .iom_board(
                store.connection(),
                &housing,
                &super::BoardFilter::default(),
                d(2012, 6, 30),
            )
            .await
            .expect("board");
        let ids: Vec<Uuid> = housing_board.iter().map(|l| l.case.id).collect();
        assert_eq!(ids, [b_case]);

        // Offences. A counts from the first entry (1 May 2012): before 2011-05-02..
        // 2012-05-01, after 2012-05-02..2013-05-01. B from 1 June 2012.
        let rows = vec![
            ImportedOffence {
                person_id: a,
                offence: offence("2012-01-01", "2012-02-01"),
            },
            ImportedOffence {
                person_id: a,
                offence: offence("2012-05-01", "2012-06-01"),
            },
            ImportedOffence {
                person_id: a,
                offence: offence("2012-12-01", "2013-01-15"),
            },
            ImportedOffence {
                person_id: b,
                offence: offence("2013-06-02", "2013-07-01"),
            },
        ];
        let txn = store.begin_write().await.expect("txn");
        store
            .import_offences(&txn, &rows, Some(team.user_id), now)
            .await
            .expect("import");
        txn.commit().await.expect("commit");
        assert_eq!(
            store
                .offences_of(store.connection(), a)
                .await
                .expect("read")
                .len(),
            3
        );
        let ids: HashSet<Uuid> = [a, b, Uuid::new_v4()].into_iter().collect();
        assert_eq!(
            store
                .existing_people(store.connection(), &ids)
                .await
                .expect("read")
                .len(),
            2
        );

        let rule = Reoffending::from_settings(&Settings::default());
        let period = Period {
            from: d(2012, 4, 1),
            to: d(2013, 3, 31),
        };
        let (entries, offences) = store
            .iom_reoffending_facts(store.connection(), period, rule)
            .await
            .expect("facts");
        assert_eq!(entries.len(), 3);
        let m = measure(rule, period, &entries, &offences, d(2026, 1, 1));
        // A: before 2 (1 Jan, and 1 May the entry day), after 1; B: 2 June 2013 is
        // the day after its window.
        assert_eq!((m.members, m.reoffenders), (2, 1));
        assert_eq!((m.offences_before, m.offences_after), (2, 1));
        assert_eq!((m.harm_before, m.harm_after), (4.0, 2.0));
    })
    .await;
}
