//! The computed figures of a plan report: one grouped read per source for every
//! reported quarter and district at once, never a query per measure or per row. The
//! counting rules are the modules' own (`casework_domain::{asb, dv, iom}`).

use std::collections::{HashMap, HashSet};

use casework_domain::asb::{CRIMINAL_DAMAGE, DELIBERATE_FIRE, RepeatVictimRule};
use casework_domain::calendar::{FinancialYear, Period, Quarter, uk_midnight};
use casework_domain::dv::{RepeatVictimisation, measures_by_area};
use casework_domain::iom::{Reoffending, measure, measure_by};
use casework_domain::plan_measures::{ALL_DISTRICTS, Source};
use casework_domain::settings::Settings;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DbBackend, Statement, Value};
use uuid::Uuid;

use crate::asb::VICTIM;
use crate::db::placeholders;
use crate::{Store, StoreError};

/// One computed figure: the value, and whether it may still change (a re-offending
/// window not yet closed).
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

fn end_of(day: NaiveDate) -> DateTime<Utc> {
    uk_midnight(day.succ_opt().unwrap_or(day))
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
                self.plan_prevent_deter(year, quarters).await
            } else {
                Ok(Figures::new())
            }
        };
        let (a, b, c, d, e) = tokio::try_join!(asb, repeat, dv, iom, pd)?;
        let mut all = a;
        all.extend(b);
        all.extend(c);
        all.extend(d);
        all.extend(e);
        Ok(all)
    }

    /// ASB incident counts per ward and quarter in one grouped read of the
    /// `idx_asb_incidents_window` range, summed into districts here.
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
        let from = p.bind(uk_midnight(range.from));
        let to = p.bind(end_of(range.to));
        let q2 = p.bind(uk_midnight(year.quarter(Quarter::Q2).from));
        let q3 = p.bind(uk_midnight(year.quarter(Quarter::Q3).from));
        let q4 = p.bind(uk_midnight(year.quarter(Quarter::Q4).from));
        let damage = p.bind(CRIMINAL_DAMAGE);
        let fire = p.bind(DELIBERATE_FIRE);
        let sql = format!(
            "SELECT i.ward_code AS ward, \
               CASE WHEN i.occurred_at < {q2} THEN 1 WHEN i.occurred_at < {q3} THEN 2 \
                    WHEN i.occurred_at < {q4} THEN 3 ELSE 4 END AS q, \
               COUNT(*) AS incidents, \
               SUM(CASE WHEN i.alcohol_related AND i.youth_related THEN 1 ELSE 0 END) AS alcohol_youth, \
               SUM(CASE WHEN i.incident_type = {damage} THEN 1 ELSE 0 END) AS criminal_damage, \
               SUM(CASE WHEN i.incident_type = {fire} THEN 1 ELSE 0 END) AS deliberate_fire \
             FROM asb_incidents i \
             WHERE i.occurred_at >= {from} AND i.occurred_at < {to} \
             GROUP BY i.ward_code, q"
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
    /// in one read: each victim's incidents counted in every quarter's window at once.
    /// A victim counts in a district when one of their window's incidents was there
    /// (so the districts may add up to more than the whole, as in the ASB list).
    async fn plan_asb_repeat_victims(
        &self,
        year: FinancialYear,
        quarters: &[Quarter],
        rule: RepeatVictimRule,
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
        let mut p = Params::default();
        let victim = p.bind(VICTIM);
        let from = p.bind(uk_midnight(lo));
        let to = p.bind(end_of(hi));
        let threshold = p.bind(i64::from(rule.incidents));
        let bounds: Vec<(String, String)> = windows
            .iter()
            .map(|(_, w)| (p.bind(uk_midnight(w.from)), p.bind(end_of(w.to))))
            .collect();
        let in_window = |n: usize, at: &str| {
            let (f, t) = &bounds[n];
            format!("{at} >= {f} AND {at} < {t}")
        };
        let counts: Vec<String> = (0..bounds.len())
            .map(|n| {
                format!(
                    "SUM(CASE WHEN {} THEN 1 ELSE 0 END) AS n{n}",
                    in_window(n, "v.at")
                )
            })
            .collect();
        let having: Vec<String> = (0..bounds.len())
            .map(|n| {
                format!(
                    "SUM(CASE WHEN {} THEN 1 ELSE 0 END) >= {threshold}",
                    in_window(n, "v.at")
                )
            })
            .collect();
        let by_district: Vec<String> = (0..bounds.len())
            .map(|n| {
                format!(
                    "COUNT(DISTINCT CASE WHEN t.n{n} >= {threshold} AND {} THEN v.person_id END) AS r{n}",
                    in_window(n, "v.at")
                )
            })
            .collect();
        let overall: Vec<String> = (0..bounds.len())
            .map(|n| {
                format!(
                    "COALESCE(SUM(CASE WHEN t.n{n} >= {threshold} THEN 1 ELSE 0 END), 0) AS r{n}"
                )
            })
            .collect();
        let sql = format!(
            "WITH v AS (SELECT p.person_id AS person_id, i.ward_code AS ward_code, \
                 i.occurred_at AS at \
               FROM asb_incidents i CROSS JOIN asb_incident_people p \
               WHERE p.incident_id = i.id AND p.role = {victim} \
                 AND i.occurred_at >= {from} AND i.occurred_at < {to}), \
             t AS (SELECT v.person_id AS person_id, {counts} FROM v GROUP BY v.person_id \
               HAVING {having}) \
             SELECT w.district_code AS district, {by_district} \
               FROM v CROSS JOIN t CROSS JOIN wards w \
               WHERE t.person_id = v.person_id AND w.code = v.ward_code \
               GROUP BY w.district_code \
             UNION ALL SELECT '{ALL_DISTRICTS}' AS district, {overall} FROM t",
            counts = counts.join(", "),
            having = having.join(" OR "),
            by_district = by_district.join(", "),
            overall = overall.join(", "),
        );
        let conn = self.connection();
        let rows = conn
            .query_all_raw(p.statement(conn.get_database_backend(), &sql))
            .await?;
        for d in self
            .districts()
            .await?
            .iter()
            .map(|d| d.code.as_str())
            .chain([ALL_DISTRICTS])
        {
            for (q, _) in &windows {
                put(&mut figures, Source::AsbRepeatVictims, *q, d, 0.0);
            }
        }
        for row in &rows {
            let district: String = row.try_get("", "district")?;
            for (n, (q, _)) in windows.iter().enumerate() {
                let count: i64 = row.try_get("", &format!("r{n}"))?;
                put(
                    &mut figures,
                    Source::AsbRepeatVictims,
                    *q,
                    &district,
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
    /// Young people referred to and accepted onto Prevent & Deter in each quarter, by
    /// the module's own measures (a few grouped counts per quarter over a small
    /// table). The module counts the partnership as a whole, so there is no district
    /// figure.
    async fn plan_prevent_deter(
        &self,
        year: FinancialYear,
        quarters: &[Quarter],
    ) -> Result<Figures, StoreError> {
        let mut figures = Figures::new();
        for q in quarters {
            let period = year.quarter(*q);
            let m =
                crate::prevent_deter::measures(self.connection(), period.from, period.to).await?;
            put(
                &mut figures,
                Source::PreventDeterReferred,
                *q,
                ALL_DISTRICTS,
                m.referred as f64,
            );
            put(
                &mut figures,
                Source::PreventDeterAccepted,
                *q,
                ALL_DISTRICTS,
                m.accepted as f64,
            );
        }
        Ok(figures)
    }
}

/// A fraction as a percentage, to one decimal place.
fn percent(fraction: f64) -> f64 {
    (fraction * 1000.0).round() / 10.0
}
