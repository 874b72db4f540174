//! The agenda: the facts each reason needs, found by one indexed query per reason for
//! the district's open cases (never a query per case); the proposal the domain makes
//! of them; and the chair's choices, kept across proposals.

use std::collections::HashMap;

use casework_domain::access::CaseKind;
use casework_domain::asb::{RepeatVictimRule, RiskTier, day_number};
use casework_domain::iom::Tier;
use casework_domain::lmaps::{
    AgendaItem, CaseSignal, Chosen, LMAPS_SHARE_AGENCY, Reason, RuleContext, Signal, propose,
    settle,
};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, Statement,
};
use serde::Serialize;
use uuid::Uuid;

use super::{Meeting, reasons_of, reasons_text};
use crate::cases::OPEN;
use crate::entities::{case, lmaps_agenda_item};
use crate::reach::Params;
use crate::{Store, StoreError};

/// `removed` or `added`: the chair's last choice about an item.
pub const REMOVED: &str = "removed";
pub const ADDED: &str = "added";

/// An agenda line as stored, with the case's reference and kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgendaEntry {
    pub case_id: Uuid,
    pub reference: String,
    pub kind: CaseKind,
    pub subject_person: Uuid,
    pub ward: String,
    pub reasons: Vec<Reason>,
    pub on_agenda: bool,
    /// `removed` or `added`.
    pub choice: Option<String>,
    pub choice_reason: Option<String>,
    pub chosen_at: Option<DateTime<Utc>>,
}

/// Runs one reason's query: each row is a case id, with the fact in `fact` when the
/// reason needs one.
async fn rows(
    conn: &impl ConnectionTrait,
    params: &Params,
    sql: &str,
) -> Result<Vec<sea_orm::QueryResult>, StoreError> {
    let backend = conn.get_database_backend();
    Ok(conn.query_all_raw(params.statement(backend, sql)).await?)
}

/// The district's open cases (`c`, with ward `w`), after the reason's own table.
/// CROSS JOIN keeps SQLite from starting at the district's every open case.
fn in_district(params: &mut Params, district: &str) -> String {
    format!(
        "c.status = {open} AND w.code = c.ward_code AND w.district_code = {district}",
        open = params.bind(OPEN),
        district = params.bind(district.to_string()),
    )
}

impl Store {
    /// Every fact an agenda rule may act on, for the open cases of `district`, as of
    /// the meeting day and `today`: one query per reason.
    pub async fn lmaps_signals(
        &self,
        conn: &impl ConnectionTrait,
        district: &str,
        meeting_day: NaiveDate,
        repeat: RepeatVictimRule,
        today: NaiveDate,
    ) -> Result<Vec<CaseSignal>, StoreError> {
        let mut signals = Vec::new();
        let mut push = |case_id: Uuid, signal: Signal| {
            signals.push(CaseSignal {
                case_id,
                district: district.to_string(),
                open: true,
                signal,
            });
        };

        // Gold ASB victims: the case's latest assessment (kept by the store) is Gold.
        let mut p = Params::default();
        let gold = p.bind(RiskTier::Gold.as_str());
        let scope = in_district(&mut p, district);
        let sql = format!(
            "SELECT c.id AS case_id FROM asb_latest_assessments a CROSS JOIN cases c \
               CROSS JOIN wards w \
             WHERE a.final_tier = {gold} AND c.id = a.case_id AND {scope}"
        );
        for row in rows(conn, &p, &sql).await? {
            push(
                row.try_get("", "case_id")?,
                Signal::LatestAsbTier(RiskTier::Gold),
            );
        }

        // ASB repeat victims: each victim's incidents in the window (every case,
        // every district) counted in person order from the victims' summary's covering
        // index, then the people over the threshold's own open ASB cases here.
        let window = repeat.window(today);
        let mut p = Params::default();
        let from = p.bind(day_number(window.from));
        let to = p.bind(day_number(window.to));
        let threshold = p.bind(i64::from(repeat.incidents));
        let asb = p.bind(CaseKind::Asb.as_str());
        let scope = in_district(&mut p, district);
        let sql = format!(
            "WITH counted AS (SELECT v.person_id AS person_id, COUNT(*) AS incidents \
               FROM asb_victim_incidents v WHERE v.day >= {from} AND v.day <= {to} \
               GROUP BY v.person_id HAVING COUNT(*) >= {threshold}) \
             SELECT c.id AS case_id, counted.incidents AS incidents \
             FROM counted CROSS JOIN cases c CROSS JOIN wards w \
             WHERE c.subject_person_id = counted.person_id AND c.kind = {asb} AND {scope}"
        );
        for row in rows(conn, &p, &sql).await? {
            let incidents: i64 = row.try_get("", "incidents")?;
            push(
                row.try_get("", "case_id")?,
                Signal::VictimIncidentsInWindow(u32::try_from(incidents).unwrap_or(u32::MAX)),
            );
        }

        // ASB Case Review applications whose review is still to be held (and not
        // turned down at the threshold).
        let mut p = Params::default();
        let not_met = p.bind(false);
        let scope = in_district(&mut p, district);
        let sql = format!(
            "SELECT DISTINCT c.id AS case_id FROM asb_case_reviews r CROSS JOIN cases c \
               CROSS JOIN wards w \
             WHERE r.review_held_on IS NULL \
               AND (r.threshold_met IS NULL OR r.threshold_met <> {not_met}) \
               AND c.id = r.case_id AND {scope}"
        );
        for row in rows(conn, &p, &sql).await? {
            push(row.try_get("", "case_id")?, Signal::CaseReviewOpen);
        }

        // Domestic abuse cases shared with LMAPS.
        let mut p = Params::default();
        let lmaps = p.bind(LMAPS_SHARE_AGENCY);
        let dv = p.bind(CaseKind::DomesticAbuse.as_str());
        let scope = in_district(&mut p, district);
        let sql = format!(
            "SELECT c.id AS case_id FROM case_shares s CROSS JOIN cases c CROSS JOIN wards w \
             WHERE s.agency = {lmaps} AND c.id = s.case_id AND c.kind = {dv} AND {scope}"
        );
        for row in rows(conn, &p, &sql).await? {
            push(
                row.try_get("", "case_id")?,
                Signal::DomesticAbuseSharedWithLmaps,
            );
        }

        // Red-tier IOM members: the latest tier change is to red.
        let mut p = Params::default();
        let red = p.bind(Tier::Red.as_str());
        let scope = in_district(&mut p, district);
        let sql = format!(
            "SELECT c.id AS case_id FROM iom_tier_changes t CROSS JOIN cases c CROSS JOIN wards w \
             WHERE t.tier = {red} AND c.id = t.case_id AND {scope} \
               AND NOT EXISTS (SELECT 1 FROM iom_tier_changes u WHERE u.case_id = t.case_id \
                 AND (u.changed_on > t.changed_on \
                   OR (u.changed_on = t.changed_on AND u.recorded_at > t.recorded_at)))"
        );
        for row in rows(conn, &p, &sql).await? {
            push(
                row.try_get("", "case_id")?,
                Signal::CurrentIomTier(Tier::Red),
            );
        }

        // Prevent & Deter referrals awaiting the panel's decision.
        for case_id in crate::prevent_deter::awaiting_panel_decision(conn, district).await? {
            push(case_id, Signal::AwaitingPanelDecision);
        }

        // Review dates on or before the meeting day.
        let mut p = Params::default();
        let day = p.bind(meeting_day);
        let scope = in_district(&mut p, district);
        let sql = format!(
            "SELECT c.id AS case_id, c.review_date AS review_date FROM cases c CROSS JOIN wards w \
             WHERE c.review_date IS NOT NULL AND c.review_date <= {day} AND {scope}"
        );
        for row in rows(conn, &p, &sql).await? {
            let date: NaiveDate = row.try_get("", "review_date")?;
            push(row.try_get("", "case_id")?, Signal::ReviewDate(date));
        }

        // Open actions due on or before the meeting day: the earliest per case.
        let mut p = Params::default();
        let open = p.bind(casework_domain::actions::ActionStatus::Open.as_str());
        let day = p.bind(meeting_day);
        let scope = in_district(&mut p, district);
        let sql = format!(
            "SELECT c.id AS case_id, MIN(a.due_on) AS due_on FROM actions a CROSS JOIN cases c \
               CROSS JOIN wards w \
             WHERE a.status = {open} AND a.due_on <= {day} AND c.id = a.case_id AND {scope} \
             GROUP BY c.id"
        );
        for row in rows(conn, &p, &sql).await? {
            let date: NaiveDate = row.try_get("", "due_on")?;
            push(row.try_get("", "case_id")?, Signal::OpenActionDue(date));
        }
        Ok(signals)
    }

    /// Proposes the meeting's agenda now and stores it over the last proposal, keeping
    /// the chair's choices. Returns the items on the agenda.
    pub async fn propose_lmaps_agenda(
        &self,
        conn: &impl ConnectionTrait,
        meeting: &Meeting,
        today: NaiveDate,
    ) -> Result<Vec<AgendaItem>, StoreError> {
        let settings = self.settings().await?;
        let repeat = RepeatVictimRule::from_settings(&settings);
        let signals = self
            .lmaps_signals(conn, &meeting.district, meeting.held_on, repeat, today)
            .await?;
        let context = RuleContext {
            meeting_day: meeting.held_on,
            repeat_victim_incidents: repeat.incidents,
        };
        let proposed = propose(&meeting.district, &context, &signals);
        // The chair's choices so far, in the order they were made.
        let mut chosen_rows: Vec<lmaps_agenda_item::Model> = lmaps_agenda_item::Entity::find()
            .filter(lmaps_agenda_item::Column::MeetingId.eq(meeting.id))
            .filter(lmaps_agenda_item::Column::Choice.is_not_null())
            .order_by_asc(lmaps_agenda_item::Column::ChosenAt)
            .all(conn)
            .await?;
        let chosen: Vec<Chosen> = chosen_rows
            .iter()
            .map(|row| match row.choice.as_deref() {
                Some(REMOVED) => Chosen::Removed(row.case_id),
                _ => Chosen::Added(row.case_id),
            })
            .collect();
        let proposed_reasons: HashMap<Uuid, Vec<Reason>> = proposed
            .iter()
            .map(|item| (item.case_id, item.reasons.iter().copied().collect()))
            .collect();
        let settled = settle(proposed.clone(), &chosen);

        lmaps_agenda_item::Entity::delete_many()
            .filter(lmaps_agenda_item::Column::MeetingId.eq(meeting.id))
            .exec(conn)
            .await?;
        let mut rows = Vec::with_capacity(settled.len() + chosen_rows.len());
        for (position, item) in settled.iter().enumerate() {
            let choice = chosen_rows
                .iter()
                .position(|row| row.case_id == item.case_id)
                .map(|at| chosen_rows.swap_remove(at));
            rows.push(lmaps_agenda_item::Model {
                meeting_id: meeting.id,
                case_id: item.case_id,
                reasons: reasons_text(item.reasons.iter().copied()),
                choice: choice.as_ref().and_then(|c| c.choice.clone()),
                choice_reason: choice.as_ref().and_then(|c| c.choice_reason.clone()),
                chosen_by: choice.as_ref().and_then(|c| c.chosen_by),
                chosen_at: choice.as_ref().and_then(|c| c.chosen_at),
                on_agenda: true,
                position: i32::try_from(position).unwrap_or(i32::MAX),
            });
        }
        // Removed items stay, off the agenda, with the reasons they would have had.
        for row in chosen_rows {
            let reasons = proposed_reasons
                .get(&row.case_id)
                .cloned()
                .unwrap_or_else(|| reasons_of(&row.reasons));
            rows.push(lmaps_agenda_item::Model {
                meeting_id: meeting.id,
                case_id: row.case_id,
                reasons: reasons_text(reasons),
                choice: row.choice,
                choice_reason: row.choice_reason,
                chosen_by: row.chosen_by,
                chosen_at: row.chosen_at,
                on_agenda: false,
                position: i32::MAX,
            });
        }
        insert_items(conn, rows).await?;
        Ok(settled)
    }

    /// The chair takes a case off the agenda (`removed`, with a reason) or puts one on
    /// (`added`). The caller re-proposes afterwards to settle the agenda.
    #[allow(clippy::too_many_arguments)]
    pub async fn choose_lmaps_item(
        &self,
        conn: &impl ConnectionTrait,
        meeting: Uuid,
        case_id: Uuid,
        choice: &str,
        reason: Option<&str>,
        by: Uuid,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let existing = lmaps_agenda_item::Entity::find_by_id((meeting, case_id))
            .one(conn)
            .await?;
        let row = lmaps_agenda_item::ActiveModel {
            meeting_id: Set(meeting),
            case_id: Set(case_id),
            reasons: Set(existing
                .as_ref()
                .map(|e| e.reasons.clone())
                .unwrap_or_default()),
            choice: Set(Some(choice.to_string())),
            choice_reason: Set(reason.map(str::to_string)),
            chosen_by: Set(Some(by)),
            chosen_at: Set(Some(now)),
            on_agenda: Set(choice == ADDED),
            position: Set(existing.as_ref().map_or(i32::MAX, |e| e.position)),
        };
        if existing.is_some() {
            lmaps_agenda_item::Entity::update(row).exec(conn).await?;
        } else {
            lmaps_agenda_item::Entity::insert(row).exec(conn).await?;
        }
        Ok(())
    }

    /// The meeting's agenda as stored: items on it in order, then those the chair
    /// removed.
    pub async fn lmaps_agenda(
        &self,
        conn: &impl ConnectionTrait,
        meeting: Uuid,
    ) -> Result<Vec<AgendaEntry>, StoreError> {
        let items = lmaps_agenda_item::Entity::find()
            .filter(lmaps_agenda_item::Column::MeetingId.eq(meeting))
            .order_by_desc(lmaps_agenda_item::Column::OnAgenda)
            .order_by_asc(lmaps_agenda_item::Column::Position)
            .order_by_asc(lmaps_agenda_item::Column::CaseId)
            .all(conn)
            .await?;
        let mut cases: HashMap<Uuid, case::Model> = HashMap::new();
        let ids: Vec<Uuid> = items.iter().map(|i| i.case_id).collect();
        for chunk in ids.chunks(500) {
            for row in case::Entity::find()
                .filter(case::Column::Id.is_in(chunk.iter().copied()))
                .all(conn)
                .await?
            {
                cases.insert(row.id, row);
            }
        }
        items
            .into_iter()
            .filter_map(|item| cases.remove(&item.case_id).map(|c| (item, c)))
            .map(|(item, c)| {
                let kind = CaseKind::parse(&c.kind).ok_or_else(|| {
                    StoreError::Invalid(format!("unknown case kind '{}'", c.kind))
                })?;
                Ok(AgendaEntry {
                    case_id: item.case_id,
                    reference: c.reference,
                    kind,
                    subject_person: c.subject_person_id,
                    ward: c.ward_code,
                    reasons: reasons_of(&item.reasons),
                    on_agenda: item.on_agenda,
                    choice: item.choice,
                    choice_reason: item.choice_reason,
                    chosen_at: item.chosen_at,
                })
            })
            .collect()
    }
}

/// Stores new agenda rows. PostgreSQL takes them as one JSON document per
/// `ITEMS_PER_DOCUMENT` rows, short keys and no nulls, the meeting bound once, and
/// unpacks it itself: binding nine parameters a row took about 300 ms for an agenda of
/// 9,472 items, and each statement over about 16 KB can wait 40 ms on the driver's
/// socket (docs/architecture.md, "PostgreSQL"), so the fewer the better. SQLite binds
/// parameters, 3,000 rows of 9 a statement (within its 32,766); nothing is read back.
async fn insert_items(
    conn: &impl ConnectionTrait,
    rows: Vec<lmaps_agenda_item::Model>,
) -> Result<(), StoreError> {
    if conn.get_database_backend() == DbBackend::Postgres {
        for chunk in rows.chunks(ITEMS_PER_DOCUMENT) {
            let Some(meeting) = chunk.first().map(|row| row.meeting_id) else {
                continue;
            };
            if chunk.iter().any(|row| row.meeting_id != meeting) {
                return Err(StoreError::Invalid(
                    "agenda items of several meetings in one write".into(),
                ));
            }
            let document =
                serde_json::to_string(&chunk.iter().map(ItemRow::from).collect::<Vec<_>>())
                    .map_err(|e| StoreError::Invalid(format!("agenda items: {e}")))?;
            conn.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                ITEMS_FROM_JSON,
                [document.into(), meeting.into()],
            ))
            .await?;
        }
        return Ok(());
    }
    let mut rest = rows.into_iter().peekable();
    while rest.peek().is_some() {
        let chunk: Vec<_> = rest
            .by_ref()
            .take(3000)
            .map(|row| lmaps_agenda_item::ActiveModel {
                meeting_id: Set(row.meeting_id),
                case_id: Set(row.case_id),
                reasons: Set(row.reasons),
                choice: Set(row.choice),
                choice_reason: Set(row.choice_reason),
                chosen_by: Set(row.chosen_by),
                chosen_at: Set(row.chosen_at),
                on_agenda: Set(row.on_agenda),
                position: Set(row.position),
            })
            .collect();
        lmaps_agenda_item::Entity::insert_many(chunk)
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

/// Agenda rows per JSON document on PostgreSQL: a meeting's whole agenda, however
/// long this bench makes it, in one statement (about 90 bytes a row).
const ITEMS_PER_DOCUMENT: usize = 20_000;

/// Every row of one document is for the meeting bound as `$2`.
const ITEMS_FROM_JSON: &str = "INSERT INTO lmaps_agenda_items \
    (meeting_id, case_id, reasons, choice, choice_reason, chosen_by, chosen_at, on_agenda, \
     \"position\") \
    SELECT $2::uuid, r.c, r.r, r.ch, r.cr, r.cb, r.ca, r.o, r.p \
    FROM json_to_recordset($1::json) AS r(c uuid, r text, ch text, cr text, cb uuid, \
     ca timestamptz, o boolean, p integer)";

/// An agenda row as the JSON document carries it: short keys, nulls left out (a
/// missing key reads as NULL).
#[derive(Serialize)]
struct ItemRow<'a> {
    #[serde(rename = "c")]
    case_id: Uuid,
    #[serde(rename = "r")]
    reasons: &'a str,
    #[serde(rename = "ch", skip_serializing_if = "Option::is_none")]
    choice: Option<&'a str>,
    #[serde(rename = "cr", skip_serializing_if = "Option::is_none")]
    choice_reason: Option<&'a str>,
    #[serde(rename = "cb", skip_serializing_if = "Option::is_none")]
    chosen_by: Option<Uuid>,
    #[serde(rename = "ca", skip_serializing_if = "Option::is_none")]
    chosen_at: Option<DateTime<Utc>>,
    #[serde(rename = "o")]
    on_agenda: bool,
    #[serde(rename = "p")]
    position: i32,
}

impl<'a> From<&'a lmaps_agenda_item::Model> for ItemRow<'a> {
    fn from(row: &'a lmaps_agenda_item::Model) -> Self {
        ItemRow {
            case_id: row.case_id,
            reasons: &row.reasons,
            choice: row.choice.as_deref(),
            choice_reason: row.choice_reason.as_deref(),
            chosen_by: row.chosen_by,
            chosen_at: row.chosen_at,
            on_agenda: row.on_agenda,
            position: row.position,
        }
    }
}
