//! A district's worth of cases for the agenda bench (`casework bench lmaps`): open ASB
//! cases with assessments (a few Gold, some Gold then Silver), incidents (a few repeat
//! victims), Case Review applications, review dates and open actions around the
//! meeting day; red and amber IOM members; domestic abuse cases, half shared with
//! LMAPS; and, to be left out, closed cases and another district's. Rows are
//! generated in a fixed pattern and inserted 500 a statement in one transaction; the
//! caller gives a scratch database.

use casework_domain::access::CaseKind;
use casework_domain::asb::{CaseReference, DayCounts, RiskTier, counting_day, day_number};
use casework_domain::calendar::uk_midnight;
use casework_domain::iom::Tier;
use casework_domain::lmaps::LMAPS_SHARE_AGENCY;
use casework_domain::people::fold_name;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};
use uuid::Uuid;

use crate::asb::VICTIM;
use crate::asb::summaries::DayChanges;
use crate::cases::{CLOSED, OPEN};
use crate::entities::{
    action, asb_assessment, asb_case_review, asb_incident, asb_incident_person,
    asb_victim_incident, case, case_share, iom_tier_change, person,
};
use crate::{Store, StoreError};

const CHUNK: usize = 500;

/// What the bench loaded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BenchLoad {
    pub open_in_district: u64,
    pub other_cases: u64,
    pub gold: u64,
    pub repeat_victims: u64,
}

#[derive(Default)]
struct Rows {
    people: Vec<person::ActiveModel>,
    cases: Vec<case::ActiveModel>,
    assessments: Vec<asb_assessment::ActiveModel>,
    incidents: Vec<asb_incident::ActiveModel>,
    victims: Vec<asb_incident_person::ActiveModel>,
    victim_incidents: Vec<asb_victim_incident::ActiveModel>,
    days: DayChanges,
    reviews: Vec<asb_case_review::ActiveModel>,
    actions: Vec<action::ActiveModel>,
    tiers: Vec<iom_tier_change::ActiveModel>,
    shares: Vec<case_share::ActiveModel>,
}

async fn flush<E, A>(conn: &impl ConnectionTrait, rows: &mut Vec<A>) -> Result<(), StoreError>
where
    E: EntityTrait,
    A: sea_orm::ActiveModelTrait<Entity = E> + Send,
{
    while !rows.is_empty() {
        let rest = rows.split_off(rows.len().min(CHUNK));
        let chunk = std::mem::replace(rows, rest);
        E::insert_many(chunk).exec_without_returning(conn).await?;
    }
    Ok(())
}

struct Loader {
    by: Uuid,
    agency: String,
    now: DateTime<Utc>,
    today: NaiveDate,
    sequence: [u32; 3],
    rows: Rows,
}

impl Loader {
    fn case(
        &mut self,
        kind: CaseKind,
        ward: &str,
        open: bool,
        review: Option<NaiveDate>,
    ) -> (Uuid, Uuid) {
        let person_id = Uuid::new_v4();
        let n = self.rows.people.len();
        let forename = format!("Bench{}", n % 997);
        let surname = format!("Person{n}");
        self.rows.people.push(person::ActiveModel {
            id: Set(person_id),
            folded_name: Set(fold_name(&format!("{forename} {surname}"))),
            forename: Set(forename),
            surname: Set(surname),
            date_of_birth: Set(None),
            address: Set(Some(format!("{n} Bench Street"))),
            folded_address: Set(None),
            ward_code: Set(Some(ward.to_string())),
            created_by: Set(self.by),
            created_by_agency: Set(self.agency.clone()),
            created_at: Set(self.now),
            updated_at: Set(self.now),
        });
        let slot = match kind {
            CaseKind::Asb => 0,
            CaseKind::Iom => 1,
            _ => 2,
        };
        self.sequence[slot] += 1;
        let sequence = self.sequence[slot];
        let reference = CaseReference::new(kind, 2012, sequence)
            .map(|r| r.to_string())
            .unwrap_or_else(|| format!("BENCH-{slot}-{sequence}"));
        let case_id = Uuid::new_v4();
        self.rows.cases.push(case::ActiveModel {
            id: Set(case_id),
            kind: Set(kind.as_str().to_string()),
            reference: Set(reference),
            ref_year: Set(2012),
            ref_sequence: Set(i32::try_from(sequence).unwrap_or(i32::MAX)),
            owner_agency: Set(self.agency.clone()),
            lead_officer: Set(Some(self.by)),
            logged_by: Set(self.by),
            subject_person_id: Set(person_id),
            ward_code: Set(ward.to_string()),
            status: Set(if open { OPEN } else { CLOSED }.to_string()),
            outcome: Set((!open).then(|| "Closed (bench)".to_string())),
            summary: Set(None),
            review_date: Set(review),
            opened_at: Set(self.now - Duration::days(400)),
            closed_at: Set((!open).then_some(self.now)),
        });
        (case_id, person_id)
    }

    fn assess(&mut self, case_id: Uuid, tier: RiskTier, days_ago: i64) {
        self.rows.assessments.push(asb_assessment::ActiveModel {
            id: Set(Uuid::new_v4()),
            case_id: Set(case_id),
            instrument_version: Set(1),
            answers: Set("{}".into()),
            score: Set(0),
            computed_tier: Set(tier.as_str().into()),
            final_tier: Set(tier.as_str().into()),
            judgement_reason: Set(None),
            assessed_by: Set(self.by),
            assessed_at: Set(self.now - Duration::days(days_ago)),
        });
    }

    fn incident(&mut self, case_id: Uuid, victim: Uuid, ward: &str, days_ago: i64) {
        let id = Uuid::new_v4();
        let at = uk_midnight(self.today - Duration::days(days_ago)) + Duration::hours(20);
        self.rows.incidents.push(asb_incident::ActiveModel {
            id: Set(id),
            case_id: Set(case_id),
            occurred_at: Set(at),
            reported_at: Set(at),
            reporting_agency: Set(self.agency.clone()),
            category: Set("nuisance".into()),
            incident_type: Set("noise".into()),
            ward_code: Set(ward.to_string()),
            alcohol_related: Set(false),
            youth_related: Set(false),
            perpetrator_unknown: Set(true),
            created_by: Set(self.by),
            created_at: Set(self.now),
            contact_due_at: Set(None),
            victim_contacted_at: Set(None),
            contacted_by: Set(None),
        });
        self.rows.victims.push(asb_incident_person::ActiveModel {
            incident_id: Set(id),
            person_id: Set(victim),
            role: Set(VICTIM.into()),
        });
        self.rows
            .victim_incidents
            .push(asb_victim_incident::ActiveModel {
                incident_id: Set(id),
                person_id: Set(victim),
                day: Set(day_number(counting_day(at))),
                ward_code: Set(ward.to_string()),
            });
        self.rows
            .days
            .add(at, ward, DayCounts::of_incident("noise", false, false));
    }

    fn day(&self, offset: i64) -> NaiveDate {
        self.today + Duration::days(offset)
    }

    async fn flush(&mut self, conn: &impl ConnectionTrait) -> Result<(), StoreError> {
        let rows = &mut self.rows;
        flush(conn, &mut rows.people).await?;
        flush(conn, &mut rows.cases).await?;
        flush(conn, &mut rows.assessments).await?;
        flush(conn, &mut rows.incidents).await?;
        flush(conn, &mut rows.victims).await?;
        flush(conn, &mut rows.victim_incidents).await?;
        std::mem::take(&mut rows.days).apply(conn).await?;
        flush(conn, &mut rows.reviews).await?;
        flush(conn, &mut rows.actions).await?;
        flush(conn, &mut rows.tiers).await?;
        flush(conn, &mut rows.shares).await?;
        Ok(())
    }
}

impl Store {
    /// Loads `open_cases` open ASB cases into `wards` (one district's), with the
    /// records each agenda reason reads, plus a fifth as many in `other_wards` and a
    /// twentieth closed, owned by `agency` and recorded by `by`, as of `today`.
    pub async fn bulk_load_lmaps_bench(
        &self,
        agency: &str,
        by: Uuid,
        wards: &[String],
        other_wards: &[String],
        open_cases: u64,
        today: NaiveDate,
    ) -> Result<BenchLoad, StoreError> {
        let txn = self.begin_write().await?;
        let mut load = BenchLoad::default();
        let mut l = Loader {
            by,
            agency: agency.to_string(),
            now: Utc::now(),
            today,
            sequence: [0; 3],
            rows: Rows::default(),
        };
        let others = open_cases / 5;
        let closed = open_cases / 20;
        for i in 0..open_cases + others + closed {
            let in_district = i < open_cases || i >= open_cases + others;
            let open = i < open_cases + others;
            let pool = if in_district { wards } else { other_wards };
            let ward = pool[usize::try_from(i).unwrap_or(0) % pool.len()].clone();
            let k = i64::try_from(i).unwrap_or(0);
            let review = (i % 20 == 3).then(|| l.day(k % 61 - 30));
            let (case_id, victim) = l.case(CaseKind::Asb, &ward, open, review);
            if in_district && open {
                load.open_in_district += 1;
            } else {
                load.other_cases += 1;
            }
            let tier = match i % 100 {
                0 => RiskTier::Gold,
                n if n % 3 == 0 => RiskTier::Silver,
                _ => RiskTier::Bronze,
            };
            if i % 10 == 5 {
                // Gold once, Silver since: not a Gold victim now.
                l.assess(case_id, RiskTier::Gold, 90);
            }
            l.assess(case_id, tier, 30);
            if tier == RiskTier::Gold && in_district && open {
                load.gold += 1;
            }
            let incidents = if i % 50 == 1 { 3 } else { 1 };
            for n in 0..incidents {
                l.incident(case_id, victim, &ward, (k * 7 + n * 31) % 300);
            }
            if incidents == 3 && in_district && open {
                load.repeat_victims += 1;
            }
            if i % 200 == 7 {
                l.rows.reviews.push(asb_case_review::ActiveModel {
                    id: Set(Uuid::new_v4()),
                    case_id: Set(case_id),
                    applicant_id: Set(victim),
                    applied_on: Set(l.day(-10)),
                    acknowledge_by: Set(l.day(4)),
                    decide_by: Set(l.day(11)),
                    review_by: Set(l.day(18)),
                    acknowledged_on: Set(None),
                    decided_on: Set(None),
                    threshold_met: Set(None),
                    review_held_on: Set(None),
                    outcome: Set(None),
                    recorded_by: Set(by),
                    recorded_at: Set(l.now),
                });
            }
            if i % 10 == 1 {
                l.rows.actions.push(action::ActiveModel {
                    id: Set(Uuid::new_v4()),
                    source: Set("case".into()),
                    case_id: Set(Some(case_id)),
                    meeting_id: Set(None),
                    plan_action_id: Set(None),
                    description: Set("Visit the victim (bench)".into()),
                    agency: Set(agency.to_string()),
                    officer_id: Set(Some(by)),
                    due_on: Set(l.day(k % 41 - 20)),
                    status: Set(if i % 30 == 1 { "done" } else { "open" }.into()),
                    created_by: Set(by),
                    created_at: Set(l.now),
                    completed_by: Set(None),
                    completed_at: Set(None),
                });
            }
            if l.rows.people.len() >= 5_000 {
                l.flush(&txn).await?;
            }
        }
        // IOM members (a fifth red now, a tenth red then amber) and domestic abuse
        // cases (half shared with LMAPS), in the district.
        for i in 0..open_cases / 50 {
            let ward = wards[usize::try_from(i).unwrap_or(0) % wards.len()].clone();
            let (case_id, _) = l.case(CaseKind::Iom, &ward, true, None);
            let first = if i % 5 == 0 { Tier::Red } else { Tier::Amber };
            for (n, tier) in [Some(first), (i % 10 == 0).then_some(Tier::Amber)]
                .into_iter()
                .flatten()
                .enumerate()
            {
                l.rows.tiers.push(iom_tier_change::ActiveModel {
                    id: Set(Uuid::new_v4()),
                    case_id: Set(case_id),
                    changed_on: Set(l.day(-100 + i64::try_from(n).unwrap_or(0) * 50)),
                    tier: Set(tier.as_str().into()),
                    reason: Set(None),
                    recorded_by: Set(by),
                    recorded_at: Set(l.now),
                });
            }
        }
        for i in 0..open_cases / 100 {
            let ward = wards[usize::try_from(i).unwrap_or(0) % wards.len()].clone();
            let (case_id, _) = l.case(CaseKind::DomesticAbuse, &ward, true, None);
            if i % 2 == 0 {
                l.rows.shares.push(case_share::ActiveModel {
                    case_id: Set(case_id),
                    agency: Set(LMAPS_SHARE_AGENCY.into()),
                    shared_by: Set(by),
                    shared_at: Set(l.now),
                    reason: Set("For LMAPS (bench)".into()),
                });
            }
        }
        l.flush(&txn).await?;
        crate::asb::latest_assessments::keep_all_latest_assessments(&txn).await?;
        txn.commit().await?;
        Ok(load)
    }
}
