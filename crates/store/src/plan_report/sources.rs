//! The computed figures of a plan report: one grouped read per source for every
//! reported quarter and district at once, never a query per measure or per row. The
//! counting rules are the modules' own (`casework_domain::{asb, dv, iom}`), and the
//! plan's own where a measure is the plan's (`casework_domain::plan_measures::{gold,
//! police_uk}`).

use std::collections::{HashMap, HashSet};

use casework_domain::access::CaseKind;
use casework_domain::asb::{RepeatVictimRule, RiskTier, day_number};
use casework_domain::calendar::{FinancialYear, Period, Quarter};
use casework_domain::dv::{RepeatVictimisation, measures_by_area};
use casework_domain::iom::{Reoffending, measure, measure_by};
use casework_domain::plan_measures::gold::{AssessedBy, counts_as_gold_victim, end_of_uk_day};
use casework_domain::plan_measures::police_uk::{quarter_figure, quarter_months};
use casework_domain::plan_measures::{ALL_DISTRICTS, Source, quarter_of};
use casework_domain::settings::Settings;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DbBackend, Statement, Value};
use uuid::Uuid;

use crate::db::placeholders;
use crate::{Store, StoreError};

/// One computed figure: the value, and whether it may still change (a re-offending
/// window not yet closed, a police.uk month of the quarter not yet imported).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figure {
    pub value: f64,
    pub provisional: bool,
}

/// Figures by source, quarter and district code (`all` for West Cumbria).
pub type Figures = HashMap<(Source, Quarter, String), Figure>;

fn put(figures: &mut Figures, source: Source, q: Quarter, district: &str, value: f64) {
    figures.insert(
        (source, q, district.to_string()),
        Figure {
            value,
            provisional: false,
        },
    );
}

/// Parameters of a statement, numbered as bound (`$n`, reusable).
#[derive(Default)]
struct Params(Vec<Value>);

impl Params {
    fn bind(&mut self, value: impl Into<Value>) -> String {
        self.0.push(value.into());
        format!("${}", self.0.len())
    }

    fn statement(self, backend: DbBackend, sql: &str) -> Statement {
        Statement::from_sql_and_values(backend, placeholders(backend, sql), self.0)
    }
}

/// The span of days that the `quarters` of `year` cover.
pub(crate) fn span(year: FinancialYear, quarters: &[Quarter]) -> Option<Period> {
    let first = quarters.iter().min()?;
    let last = quarters.iter().max()?;
    Some(Period {
        from: year.quarter(*first).from,
        to: year.quarter(*last).to,
    })
}

impl Store {
    /// Every figure the `sources` need for the `quarters` of `year`, as known on
    /// `today`, each source read once for all quarters and districts, the sources
    /// side by side on their own pooled connections.
    pub async fn plan_computed_figures(
        &self,
        year: FinancialYear,
        quarters: &[Quarter],
        sources: &HashSet<Source>,
        settings: &Settings,
        today: NaiveDate,
    ) -> Result<Figures, StoreError> {
        let wants = |list: &[Source]| list.iter().any(|s| sources.contains(s));
        let district_of: HashMap<String, String> = self
            .wards()
            .await?
            .into_iter()
            .map(|w| (w.code, w.district))
            .collect();
        let asb = async {
            if wants(&[
                Source::AsbIncidents,
                Source::AsbAlcoholYouth,
                Source::AsbCriminalDamage,
                Source::AsbDeliberateFires,
            ]) {
                self.plan_asb_counts(year, quarters, &district_of).await
            } else {
                Ok(Figures::new())
            }
        };
        let repeat = async {
            if wants(&[Source::AsbRepeatVictims]) {
                self.plan_asb_repeat_victims(
                    year,
                    quarters,
                    RepeatVictimRule::from_settings(settings),
                    &district_of,
                )
                .await
            } else {
                Ok(Figures::new())
            }
        };
        let dv = async {
            if wants(&[
                Source::DvIncidents,
                Source::DvFirstTimeVictims,
                Source::DvArrests,
                Source::DvRepeatRate,
            ]) {
                self.plan_dv(year, quarters, RepeatVictimisation::from_settings(settings))
                    .await
            } else {
                Ok(Figures::new())
            }
        };
        let iom = async {
            if wants(&[Source::IomReoffendingRate]) {
                self.plan_iom(year, quarters, Reoffending::from_settings(settings), today)
                    .await
            } else {
                Ok(Figures::new())
            }
        };
        let pd = async {
            if wants(&[Source::PreventDeterReferred, Source::PreventDeterAccepted]) {
                self.plan_prevent_deter(year, quarters, &district_of).await
            } else {
                Ok(Figures::new())
            }
        };
        let gold = async {
            if wants(&[Source::AsbGoldVictims]) {
                self.plan_asb_gold_victims(year, quarters, &district_of)
                    .await
            } else {
                Ok(Figures::new())
            }
        };
        let police_uk = async {
            if wants(&Source::POLICE_UK) {
                self.plan_police_uk(year, quarters, sources).await
            } else {
                Ok(Figures::new())
            }
        };
        let (a, b, c, d, e, f, g) = tokio::try_join!(asb, repeat, dv, iom, pd, gold, police_uk)?;
        let mut all = a;
        all.extend(b);
        all.extend(c);
        all.extend(d);
        all.extend(e);
        all.extend(f);
        all.extend(g);
        Ok(all)
    }

    /// ASB incident counts per ward and quarter in one grouped read of the day counts
    /// the store keeps (`asb_incident_days`: a year is a few thousand rows), summed
    /// into districts here.
    async fn plan_asb_counts(
        &self,
        year: FinancialYear,
        quarters: &[Quarter],
        district_of: &HashMap<String, String>,
    ) -> Result<Figures, StoreError> {
        let mut figures = Figures::new();
        let Some(range) = span(year, quarters) else {
            return Ok(figures);
        };
        let mut p = Params::default();
        let from = p.bind(range.from);
        let to = p.bind(range.to);
        let q2 = p.bind(year.quarter(Quarter::Q2).from);
        let q3 = p.bind(year.quarter(Quarter::Q3).from);
        let q4 = p.bind(year.quarter(Quarter::Q4).from);
        let sql = format!(
            "SELECT d.ward_code AS ward, \
               CASE WHEN d.day < {q2} THEN 1 WHEN d.day < {q3} THEN 2 \
                    WHEN d.day < {q4} THEN 3 ELSE 4 END AS q, \
               CAST(SUM(d.incidents) AS BIGINT) AS incidents, \
               CAST(SUM(d.alcohol_youth) AS BIGINT) AS alcohol_youth, \
               CAST(SUM(d.criminal_damage) AS BIGINT) AS criminal_damage, \
               CAST(SUM(d.deliberate_fire) AS BIGINT) AS deliberate_fire \
             FROM asb_incident_days d \
             WHERE d.day >= {from} AND d.day <= {to} \
             GROUP BY d.ward_code, q"
        );
        let conn = self.connection();
        let rows = conn
            .query_all_raw(p.statement(conn.get_database_backend(), &sql))
            .await?;
        // Every reported quarter has a figure, 0 when nothing happened.
        let mut districts: HashSet<&str> = district_of.values().map(String::as_str).collect();
        districts.insert(ALL_DISTRICTS);
        let sources = [
            Source::AsbIncidents,
            Source::AsbAlcoholYouth,
            Source::AsbCriminalDamage,
            Source::AsbDeliberateFires,
        ];
        for q in quarters {
            for d in &districts {
                for s in sources {
                    put(&mut figures, s, *q, d, 0.0);
                }
            }
        }
        for row in &rows {
            let ward: String = row.try_get("", "ward")?;
            let q: i32 = row.try_get("", "q")?;
            let Some(quarter) = Quarter::ALL.get((q - 1) as usize).copied() else {
                continue;
            };
            if !quarters.contains(&quarter) {
                continue;
            }
            let mut values = [0.0; 4];
            for (slot, column) in [
                "incidents",
                "alcohol_youth",
                "criminal_damage",
                "deliberate_fire",
            ]
            .iter()
            .enumerate()
            {
                let n: i64 = row.try_get("", column)?;
                values[slot] = n as f64;
            }
            let district = district_of.get(&ward).map(String::as_str);
            for (s, v) in sources.iter().zip(values) {
                for d in [Some(ALL_DISTRICTS), district].into_iter().flatten() {
                    if let Some(f) = figures.get_mut(&(*s, quarter, d.to_string())) {
                        f.value += v;
                    }
                }
            }
        }
        Ok(figures)
    }

    /// Repeat victims at the end of each quarter, by district and for West Cumbria,
    /// in one pass over the victims' incidents the store keeps with their day and
    /// ward (`asb_victim_incidents`, read in person order from its covering index):
    /// per victim, the incidents in every quarter's window and whether one was in
    /// each district.
    /// A victim counts in a district when one of their window's incidents was there
    /// (so the districts may add up to more than the whole, as in the ASB list).
    async fn plan_asb_repeat_victims(
        &self,
        year: FinancialYear,
        quarters: &[Quarter],
        rule: RepeatVictimRule,
        district_of: &HashMap<String, String>,
    ) -> Result<Figures, StoreError> {
        let mut figures = Figures::new();
        if quarters.is_empty() {
            return Ok(figures);
        }
        let windows: Vec<(Quarter, Period)> = quarters
            .iter()
            .map(|q| (*q, rule.window(year.quarter(*q).to)))
            .collect();
        let lo = windows
            .iter()
            .map(|(_, w)| w.from)
            .min()
            .unwrap_or(year.first_day());
        let hi = windows
            .iter()
            .map(|(_, w)| w.to)
            .max()
            .unwrap_or(year.last_day());
        let districts: Vec<String> = self
            .districts()
            .await?
            .into_iter()
            .map(|d| d.code)
            .collect();
        let mut p = Params::default();
        let from = p.bind(day_number(lo));
        let to = p.bind(day_number(hi));
        let threshold = p.bind(i64::from(rule.incidents));
        let in_window: Vec<String> = windows
            .iter()
            .map(|(_, w)| {
                let f = p.bind(day_number(w.from));
                let t = p.bind(day_number(w.to));
                format!("v.day >= {f} AND v.day <= {t}")
            })
            .collect();
        // A district with no wards can hold no incidents: `1 = 0` keeps the SQL valid.
        let in_district: Vec<String> = districts
            .iter()
            .map(|d| {
                let wards: Vec<String> = district_of
                    .iter()
                    .filter(|(_, district)| *district == d)
                    .map(|(ward, _)| p.bind(ward.clone()))
                    .collect();
                if wards.is_empty() {
                    "1 = 0".to_string()
                } else {
                    format!("v.ward_code IN ({})", wards.join(", "))
                }
            })
            .collect();
        let mut per_victim = Vec::new();
        let mut totals = Vec::new();
        for (n, window) in in_window.iter().enumerate() {
            per_victim.push(format!("SUM(CASE WHEN {window} THEN 1 ELSE 0 END) AS n{n}"));
            totals.push(format!(
                "COALESCE(SUM(CASE WHEN t.n{n} >= {threshold} THEN 1 ELSE 0 END), 0) AS all{n}"
            ));
            for (k, district) in in_district.iter().enumerate() {
                per_victim.push(format!(
                    "MAX(CASE WHEN {window} AND {district} THEN 1 ELSE 0 END) AS d{n}_{k}"
                ));
                totals.push(format!(
                    "COALESCE(SUM(CASE WHEN t.n{n} >= {threshold} AND t.d{n}_{k} = 1 \
                       THEN 1 ELSE 0 END), 0) AS r{n}_{k}"
                ));
            }
        }
        let sql = format!(
            "WITH t AS (SELECT v.person_id AS person_id, {per_victim} \
               FROM asb_victim_incidents v \
               WHERE v.day >= {from} AND v.day <= {to} \
               GROUP BY v.person_id) \
             SELECT {totals} FROM t",
            per_victim = per_victim.join(", "),
            totals = totals.join(", "),
        );
        let conn = self.connection();
        let row = conn
            .query_one_raw(p.statement(conn.get_database_backend(), &sql))
            .await?
            .ok_or_else(|| StoreError::Invalid("the repeat-victim count gave no row".into()))?;
        for (n, (q, _)) in windows.iter().enumerate() {
            let all: i64 = row.try_get("", &format!("all{n}"))?;
            put(
                &mut figures,
                Source::AsbRepeatVictims,
                *q,
                ALL_DISTRICTS,
                all as f64,
            );
            for (k, district) in districts.iter().enumerate() {
                let count: i64 = row.try_get("", &format!("r{n}_{k}"))?;
                put(
                    &mut figures,
                    Source::AsbRepeatVictims,
                    *q,
                    district,
                    count as f64,
                );
            }
        }
        Ok(figures)
    }

    /// The domestic abuse measures of each quarter from one read of the whole span:
    /// earlier quarters' incidents are the look-back of later ones.
    async fn plan_dv(
        &self,
        year: FinancialYear,
        quarters: &[Quarter],
        rule: RepeatVictimisation,
    ) -> Result<Figures, StoreError> {
        let mut figures = Figures::new();
        let Some(range) = span(year, quarters) else {
            return Ok(figures);
        };
        let facts = self.dv_measure_facts(range).await?;
        let districts: Vec<String> = self
            .districts()
            .await?
            .into_iter()
            .map(|d| d.code)
            .collect();
        for q in quarters {
            let by_area = measures_by_area(
                year.quarter(*q),
                &facts.incidents,
                &facts.earlier,
                &facts.referrals,
                rule,
            );
            let mut areas: Vec<(String, casework_domain::dv::DvMeasures)> = districts
                .iter()
                .map(|d| (d.clone(), by_area.area(d)))
                .collect();
            areas.push((ALL_DISTRICTS.to_string(), by_area.overall.clone()));
            for (district, m) in areas {
                put(
                    &mut figures,
                    Source::DvIncidents,
                    *q,
                    &district,
                    f64::from(m.incidents),
                );
                put(
                    &mut figures,
                    Source::DvArrests,
                    *q,
                    &district,
                    f64::from(m.arrests),
                );
                put(
                    &mut figures,
                    Source::DvFirstTimeVictims,
                    *q,
                    &district,
                    f64::from(m.first_time_victims),
                );
                if let Some(rate) = m.repeat_victimisation_rate {
                    put(
                        &mut figures,
                        Source::DvRepeatRate,
                        *q,
                        &district,
                        percent(rate),
                    );
                }
            }
        }
        Ok(figures)
    }

    /// The re-offending rate of each quarter's entrants from one read of the span's
    /// cohort and offences; a member's district is that of their case's ward.
    async fn plan_iom(
        &self,
        year: FinancialYear,
        quarters: &[Quarter],
        rule: Reoffending,
        today: NaiveDate,
    ) -> Result<Figures, StoreError> {
        let mut figures = Figures::new();
        let Some(range) = span(year, quarters) else {
            return Ok(figures);
        };
        let conn = self.connection();
        let (entries, offences) = self.iom_reoffending_facts(conn, range, rule).await?;
        let backend = conn.get_database_backend();
        let rows = conn
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                placeholders(
                    backend,
                    "SELECT m.case_id AS case_id, w.district_code AS district \
                     FROM iom_memberships m JOIN cases c ON c.id = m.case_id \
                     JOIN wards w ON w.code = c.ward_code \
                     WHERE m.entered_on >= $1 AND m.entered_on <= $2",
                ),
                [range.from.into(), range.to.into()],
            ))
            .await?;
        let mut district_of: HashMap<Uuid, String> = HashMap::with_capacity(rows.len());
        for row in &rows {
            district_of.insert(row.try_get("", "case_id")?, row.try_get("", "district")?);
        }
        for q in quarters {
            let cohort = measure(rule, year.quarter(*q), &entries, &offences, today);
            let split = measure_by(&cohort, |e| {
                district_of.get(&e.membership).cloned().unwrap_or_default()
            });
            let mut areas: Vec<(String, &casework_domain::iom::CohortMeasures)> =
                split.iter().map(|(d, m)| (d.clone(), m)).collect();
            areas.push((ALL_DISTRICTS.to_string(), &cohort));
            for (district, m) in areas {
                if let Some(rate) = m.binary_rate {
                    figures.insert(
                        (Source::IomReoffendingRate, *q, district),
                        Figure {
                            value: percent(rate),
                            provisional: m.provisional,
                        },
                    );
                }
            }
        }
        Ok(figures)
    }
}

impl Store {
    /// Gold ASB victims at the end of each quarter (`plan_measures::gold`), by the
    /// district of the case's ward, in one grouped read: the cases with a Gold
    /// assessment made by the last quarter's end (`idx_asb_assessments_final_tier`),
    /// open at some reported quarter's end, each with its assessments
    /// (`idx_asb_assessments_case`) reduced to the two moments the rule reads per
    /// quarter: the latest assessment and the latest Gold one made by that quarter's
    /// last day. The rule itself is the domain's.
    async fn plan_asb_gold_victims(
        &self,
        year: FinancialYear,
        quarters: &[Quarter],
        district_of: &HashMap<String, String>,
    ) -> Result<Figures, StoreError> {
        let mut figures = Figures::new();
        let mut ends: Vec<(Quarter, NaiveDate, DateTime<Utc>)> = quarters
            .iter()
            .map(|q| {
                let last_day = year.quarter(*q).to;
                (*q, last_day, end_of_uk_day(last_day))
            })
            .collect();
        ends.sort_by_key(|(q, _, _)| *q);
        let (Some(first), Some(last)) = (ends.first(), ends.last()) else {
            return Ok(figures);
        };
        let (first_end, last_end) = (first.2, last.2);
        for (q, _, _) in &ends {
            for d in district_of
                .values()
                .map(String::as_str)
                .chain([ALL_DISTRICTS])
            {
                put(&mut figures, Source::AsbGoldVictims, *q, d, 0.0);
            }
        }
        let mut p = Params::default();
        let gold = p.bind(RiskTier::Gold.as_str());
        let asb = p.bind(CaseKind::Asb.as_str());
        let from = p.bind(first_end);
        let to = p.bind(last_end);
        let columns: Vec<String> = ends
            .iter()
            .enumerate()
            .map(|(n, (_, _, end))| {
                let end = p.bind(*end);
                format!(
                    "MAX(CASE WHEN a.assessed_at < {end} THEN a.assessed_at END) AS latest{n}, \
                     MAX(CASE WHEN a.assessed_at < {end} AND a.final_tier = {gold} \
                       THEN a.assessed_at END) AS gold{n}"
                )
            })
            .collect();
        // CROSS JOIN keeps SQLite starting from the Gold assessments' index.
        let sql = format!(
            "WITH g AS (SELECT DISTINCT ga.case_id AS case_id FROM asb_assessments ga \
               WHERE ga.final_tier = {gold} AND ga.assessed_at < {to}) \
             SELECT c.ward_code AS ward, c.opened_at AS opened_at, c.closed_at AS closed_at, \
               {columns} \
             FROM g CROSS JOIN cases c CROSS JOIN asb_assessments a \
             WHERE c.id = g.case_id AND c.kind = {asb} AND c.opened_at < {to} \
               AND (c.closed_at IS NULL OR c.closed_at >= {from}) \
               AND a.case_id = c.id AND a.assessed_at < {to} \
             GROUP BY c.id, c.ward_code, c.opened_at, c.closed_at",
            columns = columns.join(", "),
        );
        let conn = self.connection();
        let rows = conn
            .query_all_raw(p.statement(conn.get_database_backend(), &sql))
            .await?;
        for row in &rows {
            let ward: String = row.try_get("", "ward")?;
            let opened_at: DateTime<Utc> = row.try_get("", "opened_at")?;
            let closed_at: Option<DateTime<Utc>> = row.try_get("", "closed_at")?;
            let district = district_of.get(&ward).map(String::as_str);
            for (n, (q, last_day, _)) in ends.iter().enumerate() {
                let assessed = AssessedBy {
                    latest: row.try_get("", &format!("latest{n}"))?,
                    latest_gold: row.try_get("", &format!("gold{n}"))?,
                };
                if !counts_as_gold_victim(opened_at, closed_at, assessed, *last_day) {
                    continue;
                }
                for d in [Some(ALL_DISTRICTS), district].into_iter().flatten() {
                    if let Some(f) = figures.get_mut(&(Source::AsbGoldVictims, *q, d.to_string())) {
                        f.value += 1.0;
                    }
                }
            }
        }
        Ok(figures)
    }

    /// police.uk street-level rows of each crime type the `sources` count, by district
    /// and quarter (a quarter is its three months), in one grouped read of the
    /// `idx_police_uk_rows_month_type` range (month first, then crime type and
    /// district: no row is read); and the months imported, so that a quarter with no
    /// month in is not available rather than 0, and one with some is provisional
    /// (`plan_measures::police_uk`).
    async fn plan_police_uk(
        &self,
        year: FinancialYear,
        quarters: &[Quarter],
        sources: &HashSet<Source>,
    ) -> Result<Figures, StoreError> {
        let mut figures = Figures::new();
        let Some(range) = span(year, quarters) else {
            return Ok(figures);
        };
        let wanted: Vec<(Source, &'static str)> = Source::POLICE_UK
            .into_iter()
            .filter(|s| sources.contains(s))
            .filter_map(|s| s.police_uk_crime_type().map(|t| (s, t)))
            .collect();
        if wanted.is_empty() {
            return Ok(figures);
        }
        let districts: Vec<String> = self
            .districts()
            .await?
            .into_iter()
            .map(|d| d.code)
            .collect();
        let conn = self.connection();
        let backend = conn.get_database_backend();
        let mut p = Params::default();
        let from = p.bind(range.from);
        let to = p.bind(range.to);
        let types: Vec<String> = wanted.iter().map(|(_, t)| p.bind(t.to_string())).collect();
        let sql = format!(
            "SELECT r.month AS month, r.crime_type AS crime_type, r.district AS district, \
               COUNT(*) AS n \
             FROM police_uk_rows r \
             WHERE r.month >= {from} AND r.month <= {to} AND r.crime_type IN ({types}) \
             GROUP BY r.month, r.crime_type, r.district",
            types = types.join(", "),
        );
        let rows = conn.query_all_raw(p.statement(backend, &sql)).await?;
        let mut p = Params::default();
        let from = p.bind(range.from);
        let to = p.bind(range.to);
        let sql = format!(
            "SELECT DISTINCT i.month AS month FROM police_uk_imports i \
             WHERE i.month >= {from} AND i.month <= {to}"
        );
        let imported: HashSet<NaiveDate> = conn
            .query_all_raw(p.statement(backend, &sql))
            .await?
            .iter()
            .map(|row| row.try_get("", "month"))
            .collect::<Result<_, _>>()?;
        // Rows counted per source, quarter and district (`all` too).
        let mut counts: HashMap<(Source, Quarter, String), u64> = HashMap::new();
        for row in &rows {
            let month: NaiveDate = row.try_get("", "month")?;
            let crime_type: String = row.try_get("", "crime_type")?;
            let district: String = row.try_get("", "district")?;
            let n: i64 = row.try_get("", "n")?;
            let Some(q) = quarter_of(year, month).filter(|q| quarters.contains(q)) else {
                continue;
            };
            let Some((source, _)) = wanted.iter().find(|(_, t)| *t == crime_type) else {
                continue;
            };
            for d in [ALL_DISTRICTS.to_string(), district] {
                *counts.entry((*source, q, d)).or_default() += u64::try_from(n).unwrap_or(0);
            }
        }
        for q in quarters {
            let months_in = quarter_months(year, *q)
                .iter()
                .filter(|m| imported.contains(m))
                .count();
            for (source, _) in &wanted {
                for d in districts.iter().map(String::as_str).chain([ALL_DISTRICTS]) {
                    let count = counts
                        .get(&(*source, *q, d.to_string()))
                        .copied()
                        .unwrap_or(0);
                    if let Some((value, provisional)) = quarter_figure(count, months_in) {
                        figures.insert((*source, *q, d.to_string()), Figure { value, provisional });
                    }
                }
            }
        }
        Ok(figures)
    }

    /// Young people referred to and accepted onto Prevent & Deter in each quarter, by
    /// district (the case's ward's) and for West Cumbria, counted as the module's own
    /// measures count them (`prevent_deter::events`: two reads of a small table for
    /// the whole span). A case accepted twice in a quarter counts once.
    async fn plan_prevent_deter(
        &self,
        year: FinancialYear,
        quarters: &[Quarter],
        district_of: &HashMap<String, String>,
    ) -> Result<Figures, StoreError> {
        let mut figures = Figures::new();
        let Some(range) = span(year, quarters) else {
            return Ok(figures);
        };
        for q in quarters {
            for d in district_of
                .values()
                .map(String::as_str)
                .chain([ALL_DISTRICTS])
            {
                put(&mut figures, Source::PreventDeterReferred, *q, d, 0.0);
                put(&mut figures, Source::PreventDeterAccepted, *q, d, 0.0);
            }
        }
        let quarter_of = |day: NaiveDate| {
            quarters
                .iter()
                .copied()
                .find(|q| year.quarter(*q).contains(day))
        };
        let mut add = |source: Source, day: NaiveDate, ward: &str| {
            let Some(q) = quarter_of(day) else {
                return;
            };
            for d in [
                Some(ALL_DISTRICTS),
                district_of.get(ward).map(String::as_str),
            ]
            .into_iter()
            .flatten()
            {
                if let Some(f) = figures.get_mut(&(source, q, d.to_string())) {
                    f.value += 1.0;
                }
            }
        };
        let events = crate::prevent_deter::events(self.connection(), range.from, range.to).await?;
        for (day, ward) in &events.referred {
            add(Source::PreventDeterReferred, *day, ward);
        }
        let mut accepted: HashSet<(Uuid, Quarter)> = HashSet::new();
        for (case_id, day, ward) in &events.accepted {
            if quarter_of(*day).is_some_and(|q| accepted.insert((*case_id, q))) {
                add(Source::PreventDeterAccepted, *day, ward);
            }
        }
        Ok(figures)
    }
}

/// A fraction as a percentage, to one decimal place.
fn percent(fraction: f64) -> f64 {
    (fraction * 1000.0).round() / 10.0
}
