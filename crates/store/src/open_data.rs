//! Open data: police.uk street-level files for the partnership's districts, and the
//! LSOA boundaries the hotspot map is drawn from.
//!
//! A file is read once, streaming, and never held in memory:
//! [`Store::check_and_import_police_uk`] checks every row and, in the same pass and
//! the caller's write transaction, replaces each force's month the first time a row of
//! it is read and inserts the kept rows in batches. At the first bad row it stops
//! inserting but reads on to the end, so every bad line is reported with its number,
//! and then undoes what it wrote: nothing of a bad file is stored. Memory stays flat
//! whatever the file's size (a force's year is millions of rows). [`check_police_uk`]
//! only checks, and [`Store::import_police_uk`] imports a file already checked.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;

use casework_domain::open_data::{self, PoliceUkRecord, RowError};
use chrono::{NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Statement, TransactionTrait, Value,
};
use serde::Serialize;

use crate::entities::{lsoa, police_uk_crime_type, police_uk_import, police_uk_row};
use crate::{Store, StoreError};

/// The LSOA boundaries of Allerdale and Copeland (British National Grid metres),
/// compiled into the binary like the rest of the reference data.
pub const LSOA_FILE: &str = include_str!("../../../reference/geo/west-cumbria-lsoa-2011.geojson");

/// Bad lines reported at most; the count of all of them is kept.
const MAX_ERRORS: usize = 1000;

/// What a file holds, from the checking pass.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ImportCheck {
    /// Every (force, month) in the file: these are replaced on import.
    pub force_months: BTreeSet<(String, NaiveDate)>,
    pub rows_read: u64,
    pub rows_kept: u64,
    pub rows_without_location: u64,
    /// Kept rows per (force, month).
    pub kept_by_force_month: BTreeMap<(String, NaiveDate), u64>,
    /// The crime types of the kept rows.
    pub crime_types: BTreeSet<String>,
    /// Bad lines (up to a thousand), in file order.
    pub errors: Vec<RowError>,
    /// How many lines were bad in all.
    pub error_count: u64,
}

impl ImportCheck {
    pub fn is_clean(&self) -> bool {
        self.error_count == 0
    }

    /// The months in the file, oldest first.
    pub fn months(&self) -> Vec<NaiveDate> {
        let months: BTreeSet<NaiveDate> = self.force_months.iter().map(|(_, m)| *m).collect();
        months.into_iter().collect()
    }

    fn refuse(&mut self, error: RowError) {
        self.error_count += 1;
        if self.errors.len() < MAX_ERRORS {
            self.errors.push(error);
        }
    }
}

/// One LSOA's count for a period and the period before it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LsoaCount {
    pub code: String,
    pub name: String,
    pub district: String,
    pub count: i64,
    pub previous: i64,
}

/// One LSOA and its boundary (a GeoJSON geometry, as text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lsoa {
    pub code: String,
    pub name: String,
    pub district: String,
    pub geometry: String,
}

/// The lines of a police.uk file, read one at a time into one reused record, so that
/// reading a line allocates nothing.
struct Lines<R: Read> {
    reader: csv::Reader<StripCr<R>>,
    record: csv::StringRecord,
    /// A header that is not the police.uk one: reported as line 1, and then nothing
    /// more is read.
    bad_header: Option<RowError>,
    done: bool,
}

/// One line of a file: a row that passes, or why it does not.
enum Line<'a> {
    Row(PoliceUkRecord<'a>),
    Bad(RowError),
    End,
}

impl<R: Read> Lines<R> {
    fn new(source: R) -> Self {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            // Wrong column counts are reported by the domain, with the line.
            .flexible(true)
            .buffer_capacity(64 * 1024)
            .from_reader(StripCr(source));
        let bad_header = match reader.headers() {
            Ok(header) => open_data::check_header(header.iter()).err(),
            Err(err) => Some(RowError::new(1, format!("cannot read the header: {err}"))),
        };
        Lines {
            reader,
            record: csv::StringRecord::new(),
            bad_header,
            done: false,
        }
    }

    fn next(&mut self) -> Line<'_> {
        if self.done {
            return Line::End;
        }
        if let Some(err) = self.bad_header.take() {
            self.done = true;
            return Line::Bad(err);
        }
        match self.reader.read_record(&mut self.record) {
            Ok(true) => {
                let line = self.record.position().map(|p| p.line()).unwrap_or_default();
                match open_data::parse_record(line, self.record.iter()) {
                    Ok(row) => Line::Row(row),
                    Err(err) => Line::Bad(err),
                }
            }
            Ok(false) => {
                self.done = true;
                Line::End
            }
            Err(err) => {
                let line = err.position().map(|p| p.line()).unwrap_or_default();
                Line::Bad(RowError::new(line, format!("cannot read the line: {err}")))
            }
        }
    }
}

/// Drops carriage returns. police.uk files end lines with CRLF, and the csv reader
/// numbers the lines of such a file one short from the second record on; without the
/// `\r` its line numbers are the file's. A lone `\r` means nothing in these files.
struct StripCr<R>(R);

impl<R: Read> Read for StripCr<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            let n = self.0.read(buf)?;
            if n == 0 {
                return Ok(0);
            }
            // Moves the text between carriage returns down, a run at a time.
            let Some(first) = buf[..n].iter().position(|&b| b == b'\r') else {
                return Ok(n);
            };
            let mut kept = first;
            let mut from = first + 1;
            while from < n {
                let end = buf[from..n]
                    .iter()
                    .position(|&b| b == b'\r')
                    .map_or(n, |i| from + i);
                buf.copy_within(from..end, kept);
                kept += end - from;
                from = end + 1;
            }
            if kept > 0 {
                return Ok(kept);
            }
        }
    }
}

/// The [`ImportCheck`] of a file being read, a row at a time.
struct Tally<'p> {
    check: ImportCheck,
    prefixes: &'p [&'p str],
    /// The force and month of the last good row, and how many of its kept rows since
    /// then are not yet in `check.kept_by_force_month`. A file holds a month's rows
    /// together, so the maps are looked up once a run of rows, not once a row.
    current: Option<(String, NaiveDate)>,
    current_kept: u64,
}

impl<'p> Tally<'p> {
    fn new(prefixes: &'p [&'p str]) -> Self {
        Tally {
            check: ImportCheck::default(),
            prefixes,
            current: None,
            current_kept: 0,
        }
    }

    /// Counts a good row. Returns its district (an index into the prefixes) when it
    /// is kept, and whether its force and month are new to the file.
    fn row(&mut self, row: &PoliceUkRecord<'_>) -> (Option<usize>, bool) {
        self.check.rows_read += 1;
        let same = matches!(&self.current,
            Some((force, month)) if force == row.falls_within && *month == row.month);
        let mut new = false;
        if !same {
            self.count_current();
            let key = (row.falls_within.to_string(), row.month);
            new = self.check.force_months.insert(key.clone());
            self.current = Some(key);
        }
        let district = open_data::district_index(row.lsoa_name, self.prefixes);
        if district.is_some() {
            self.check.rows_kept += 1;
            self.current_kept += 1;
            if row.location.is_none() {
                self.check.rows_without_location += 1;
            }
            if !self.check.crime_types.contains(row.crime_type) {
                self.check.crime_types.insert(row.crime_type.to_string());
            }
        }
        (district, new)
    }

    fn bad(&mut self, err: RowError) {
        if err.line > 1 {
            self.check.rows_read += 1;
        }
        self.check.refuse(err);
    }

    fn is_clean(&self) -> bool {
        self.check.is_clean()
    }

    fn count_current(&mut self) {
        if self.current_kept > 0
            && let Some(key) = &self.current
        {
            *self
                .check
                .kept_by_force_month
                .entry(key.clone())
                .or_default() += self.current_kept;
        }
        self.current_kept = 0;
    }

    fn finish(mut self) -> ImportCheck {
        self.count_current();
        self.check
    }
}

/// Checks every row of a police.uk street-level file and counts what would be kept
/// (rows whose LSOA is in one of the districts named by `prefixes`), writing nothing.
pub fn check_police_uk<R: Read>(source: R, prefixes: &[&str]) -> ImportCheck {
    let mut lines = Lines::new(source);
    let mut tally = Tally::new(prefixes);
    loop {
        match lines.next() {
            Line::Row(row) => {
                tally.row(&row);
            }
            Line::Bad(err) => tally.bad(err),
            Line::End => return tally.finish(),
        }
    }
}

impl Store {
    /// Checks and imports a police.uk file in one pass, inside the caller's write
    /// transaction: replaces every (force, month) the file holds with its kept rows
    /// and records the import. Returns what the file held. When it has bad lines
    /// (`!is_clean()`), every one of them is in the check (up to a thousand) and
    /// nothing was written: the rows inserted before the first bad one are undone
    /// (a savepoint), so the caller may go on with its transaction or drop it.
    pub async fn check_and_import_police_uk<R: Read>(
        &self,
        txn: &DatabaseTransaction,
        source: R,
        prefixes: &[&str],
        imported_by: &str,
    ) -> Result<ImportCheck, StoreError> {
        let savepoint = txn.begin().await?;
        let check = load(&savepoint, source, prefixes, imported_by).await?;
        if check.is_clean() {
            savepoint.commit().await?;
        } else {
            savepoint.rollback().await?;
        }
        Ok(check)
    }

    /// Imports a file already checked by [`check_police_uk`], inside the caller's
    /// write transaction, as [`Store::check_and_import_police_uk`] does. Refuses a
    /// file that no longer matches its check (changed in between); the caller then
    /// drops its transaction.
    pub async fn import_police_uk<R: Read>(
        &self,
        conn: &impl ConnectionTrait,
        source: R,
        prefixes: &[&str],
        check: &ImportCheck,
        imported_by: &str,
    ) -> Result<(), StoreError> {
        if !check.is_clean() {
            return Err(StoreError::Invalid(
                "the file has bad lines: nothing was imported".into(),
            ));
        }
        let loaded = load(conn, source, prefixes, imported_by).await?;
        if let Some(err) = loaded.errors.first() {
            return Err(StoreError::Invalid(format!(
                "the file changed while importing: {err}"
            )));
        }
        if loaded != *check {
            return Err(StoreError::Invalid(
                "the file changed while importing: nothing was imported".into(),
            ));
        }
        Ok(())
    }

    /// Adds any LSOA of the compiled-in boundary file that is missing. A second start
    /// changes nothing. Returns how many were added.
    pub async fn load_lsoas(&self) -> Result<usize, StoreError> {
        let lsoas = parse_lsoas(LSOA_FILE)?;
        let models: Vec<lsoa::ActiveModel> = lsoas
            .into_iter()
            .map(|l| lsoa::ActiveModel {
                code: Set(l.code),
                name: Set(l.name),
                district: Set(l.district),
                geometry: Set(l.geometry),
            })
            .collect();
        let txn = self.begin_write().await?;
        let added = lsoa::Entity::insert_many(models)
            .on_conflict(
                OnConflict::column(lsoa::Column::Code)
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
        txn.commit().await?;
        Ok(usize::try_from(added).unwrap_or(usize::MAX))
    }

    /// Every LSOA with its boundary, by code.
    pub async fn lsoas(&self) -> Result<Vec<Lsoa>, StoreError> {
        Ok(lsoa::Entity::find()
            .order_by_asc(lsoa::Column::Code)
            .all(self.connection())
            .await?
            .into_iter()
            .map(|l| Lsoa {
                code: l.code,
                name: l.name,
                district: l.district,
                geometry: l.geometry,
            })
            .collect())
    }

    /// Rows of `crime_type` per LSOA for the months `from..=to` (first-of-month
    /// dates), in one district or all, with the same for the period of the same
    /// length just before. LSOAs with none in either period are left out. Most first.
    pub async fn police_uk_counts(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        district: Option<&str>,
        crime_type: &str,
    ) -> Result<Vec<LsoaCount>, StoreError> {
        let (before_from, before_to) = open_data::previous_period(from, to);
        let now = self.count_by_lsoa(from, to, district, crime_type).await?;
        let before = self
            .count_by_lsoa(before_from, before_to, district, crime_type)
            .await?;
        let mut counts: BTreeMap<String, LsoaCount> = BTreeMap::new();
        for (code, name, district, n) in now {
            counts.insert(
                code.clone(),
                LsoaCount {
                    code,
                    name,
                    district,
                    count: n,
                    previous: 0,
                },
            );
        }
        for (code, name, district, n) in before {
            counts
                .entry(code.clone())
                .or_insert(LsoaCount {
                    code,
                    name,
                    district,
                    count: 0,
                    previous: 0,
                })
                .previous = n;
        }
        let mut counts: Vec<LsoaCount> = counts.into_values().collect();
        counts.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.code.cmp(&b.code)));
        Ok(counts)
    }

    /// Rows per LSOA as (code, name, district, count). The count comes from the
    /// index alone; names and districts from the LSOA table, and from the rows only
    /// for a code that table does not hold.
    async fn count_by_lsoa(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        district: Option<&str>,
        crime_type: &str,
    ) -> Result<Vec<(String, String, String, i64)>, StoreError> {
        let conn = self.connection();
        let mut query = police_uk_row::Entity::find()
            .select_only()
            .column(police_uk_row::Column::LsoaCode)
            .column_as(Expr::col(police_uk_row::Column::LsoaCode).count(), "n")
            .filter(police_uk_row::Column::CrimeType.eq(crime_type))
            .filter(police_uk_row::Column::Month.gte(from))
            .filter(police_uk_row::Column::Month.lte(to));
        if let Some(district) = district {
            query = query.filter(police_uk_row::Column::District.eq(district));
        }
        let counts: Vec<(String, i64)> = query
            .group_by(police_uk_row::Column::LsoaCode)
            .into_tuple()
            .all(conn)
            .await?;
        let codes = || counts.iter().map(|(code, _)| code.clone());
        let mut names: BTreeMap<String, (String, String)> = lsoa::Entity::find()
            .select_only()
            .column(lsoa::Column::Code)
            .column(lsoa::Column::Name)
            .column(lsoa::Column::District)
            .filter(lsoa::Column::Code.is_in(codes()))
            .into_tuple::<(String, String, String)>()
            .all(conn)
            .await?
            .into_iter()
            .map(|(code, name, district)| (code, (name, district)))
            .collect();
        let unknown: Vec<String> = codes().filter(|c| !names.contains_key(c)).collect();
        if !unknown.is_empty() {
            let found: Vec<(String, String, String)> = police_uk_row::Entity::find()
                .select_only()
                .column(police_uk_row::Column::LsoaCode)
                .column(police_uk_row::Column::LsoaName)
                .column(police_uk_row::Column::District)
                .filter(police_uk_row::Column::LsoaCode.is_in(unknown))
                .distinct()
                .into_tuple()
                .all(conn)
                .await?;
            for (code, name, district) in found {
                names.entry(code).or_insert((name, district));
            }
        }
        Ok(counts
            .into_iter()
            .map(|(code, n)| {
                let (name, district) = names.get(&code).cloned().unwrap_or_default();
                (code, name, district, n)
            })
            .collect())
    }

    /// The crime types imported, for the map's filter.
    pub async fn police_uk_crime_types(&self) -> Result<Vec<String>, StoreError> {
        Ok(police_uk_crime_type::Entity::find()
            .select_only()
            .column(police_uk_crime_type::Column::Name)
            .order_by_asc(police_uk_crime_type::Column::Name)
            .into_tuple::<String>()
            .all(self.connection())
            .await?)
    }

    /// The newest month imported, if any.
    pub async fn police_uk_latest_month(&self) -> Result<Option<NaiveDate>, StoreError> {
        Ok(police_uk_import::Entity::find()
            .select_only()
            .column(police_uk_import::Column::Month)
            .order_by_desc(police_uk_import::Column::Month)
            .into_tuple::<NaiveDate>()
            .one(self.connection())
            .await?)
    }
}

/// The one pass over a file: checks every row and, while the file is clean, replaces
/// each (force, month) when its first row is read and inserts the kept rows a batch
/// at a time. At the first bad row it stops writing and only checks, to the end; what it wrote
/// before is left in `conn` for the caller to undo.
async fn load<R: Read>(
    conn: &impl ConnectionTrait,
    source: R,
    prefixes: &[&str],
    imported_by: &str,
) -> Result<ImportCheck, StoreError> {
    let now = Utc::now();
    let backend = conn.get_database_backend();
    if backend == DbBackend::Postgres {
        // One import at a time, until its transaction ends, taken before any month's
        // row: imports lock each force's month as the file reaches it, so two at once
        // could take the same months in opposite order and deadlock. One lock for all
        // forces, not one per force, because a file (or a run of several in one
        // transaction) shows its forces only as it is read, too late to take them in
        // order. SQLite has one writer already.
        conn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock($1)",
            [IMPORT_LOCK.into()],
        ))
        .await?;
    }
    let districts: Vec<String> = prefixes.iter().map(|p| p.to_lowercase()).collect();
    let mut lines = Lines::new(source);
    let mut tally = Tally::new(prefixes);
    let mut batch = Batch::new(backend);
    // The (force, month)s first read in the batch being filled.
    let mut first_seen: Vec<(String, NaiveDate)> = Vec::new();
    loop {
        let more = fill(
            &mut lines,
            &mut tally,
            &mut batch,
            &districts,
            &mut first_seen,
        );
        if tally.is_clean() {
            // The months first read in this batch are cleared before it goes in.
            for (force, month) in first_seen.drain(..) {
                record_import(conn, &force, month, 0, now, imported_by).await?;
                police_uk_row::Entity::delete_many()
                    .filter(police_uk_row::Column::Force.eq(force.as_str()))
                    .filter(police_uk_row::Column::Month.eq(month))
                    .exec(conn)
                    .await?;
            }
            if let Some(statement) = batch.take() {
                conn.execute_raw(statement).await?;
            }
        }
        if !more {
            break;
        }
    }
    let check = tally.finish();
    if !check.is_clean() {
        return Ok(check);
    }
    for (force, month) in &check.force_months {
        let rows = check
            .kept_by_force_month
            .get(&(force.clone(), *month))
            .copied()
            .unwrap_or_default();
        record_import(conn, force, *month, rows, now, imported_by).await?;
    }
    for name in &check.crime_types {
        police_uk_crime_type::Entity::insert(police_uk_crime_type::ActiveModel {
            name: Set(name.clone()),
        })
        .on_conflict(
            OnConflict::column(police_uk_crime_type::Column::Name)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    }
    Ok(check)
}

/// The PostgreSQL advisory lock key police.uk imports take ("POLICE" in ASCII); case
/// numbering's keys (`cases.rs`) start at "CASE".
const IMPORT_LOCK: i64 = 0x504F_4C49_4345;

/// Reads lines into `batch` until it is full or the file ends; once a line is bad,
/// reads on to the end, only checking. Returns whether there is more to read.
fn fill<R: Read>(
    lines: &mut Lines<R>,
    tally: &mut Tally<'_>,
    batch: &mut Batch,
    districts: &[String],
    first_seen: &mut Vec<(String, NaiveDate)>,
) -> bool {
    loop {
        match lines.next() {
            Line::Row(row) => {
                let (district, new) = tally.row(&row);
                if !tally.is_clean() {
                    continue;
                }
                if new {
                    first_seen.push((row.falls_within.to_string(), row.month));
                }
                if let Some(district) = district {
                    batch.push(&row, &districts[district]);
                    if batch.is_full() {
                        return true;
                    }
                }
            }
            Line::Bad(err) => tally.bad(err),
            Line::End => return false,
        }
    }
}

/// Records that a force's month was imported. Written before the month's rows are
/// cleared: on PostgreSQL its row lock makes a second import of the same month wait
/// until this one commits and only then clear the rows, so two imports at once can
/// never leave the month twice (and the import lock taken in `load` first keeps two
/// imports from taking these row locks in opposite orders).
async fn record_import(
    conn: &impl ConnectionTrait,
    force: &str,
    month: NaiveDate,
    rows: u64,
    now: chrono::DateTime<Utc>,
    imported_by: &str,
) -> Result<(), StoreError> {
    police_uk_import::Entity::insert(police_uk_import::ActiveModel {
        force: Set(force.to_string()),
        month: Set(month),
        rows: Set(i64::try_from(rows).unwrap_or(i64::MAX)),
        imported_at: Set(now),
        imported_by: Set(imported_by.to_string()),
    })
    .on_conflict(
        OnConflict::columns([
            police_uk_import::Column::Force,
            police_uk_import::Column::Month,
        ])
        .update_columns([
            police_uk_import::Column::Rows,
            police_uk_import::Column::ImportedAt,
            police_uk_import::Column::ImportedBy,
        ])
        .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Rows per INSERT on SQLite, as bound parameters (12 each). Fixed, so every full
/// batch is the same SQL text and the driver's prepared-statement cache is hit; the
/// last, shorter batch is one more statement.
const SQLITE_BATCH: usize = 500;

/// Rows per INSERT on PostgreSQL, as one JSON document: binding 12 parameters a row
/// made the import take 40 s for 666,667 rows; one document per 5,000 rows, 7 s.
const POSTGRES_BATCH: usize = 5000;

/// The stored columns of a row, in the order a batch binds their values.
const ROW_COLUMNS: [&str; 12] = [
    "force",
    "month",
    "crime_id",
    "reported_by",
    "longitude",
    "latitude",
    "location",
    "lsoa_code",
    "lsoa_name",
    "district",
    "crime_type",
    "outcome",
];

/// Kept rows on their way into `police_uk_rows`, one INSERT per full batch.
enum Batch {
    /// SQLite: plain `?` parameters, the INSERT for a full batch written out once.
    Parameters {
        full: String,
        values: Vec<Value>,
        rows: usize,
        /// The last month bound, as the text SQLite stores a date as (`2016-03-01`):
        /// written once a month, not once a row.
        month: Option<(NaiveDate, String)>,
    },
    /// PostgreSQL: the rows as one JSON array that the server unpacks itself.
    Json { document: Vec<u8>, rows: usize },
}

impl Batch {
    fn new(backend: DbBackend) -> Self {
        match backend {
            DbBackend::Postgres => Batch::Json {
                document: Vec::new(),
                rows: 0,
            },
            _ => Batch::Parameters {
                full: parameters_sql(SQLITE_BATCH),
                values: Vec::with_capacity(SQLITE_BATCH * ROW_COLUMNS.len()),
                rows: 0,
                month: None,
            },
        }
    }

    fn is_full(&self) -> bool {
        match self {
            Batch::Parameters { rows, .. } => *rows == SQLITE_BATCH,
            Batch::Json { rows, .. } => *rows == POSTGRES_BATCH,
        }
    }

    fn push(&mut self, row: &PoliceUkRecord<'_>, district: &str) {
        let (longitude, latitude) = match row.location {
            Some((lon, lat)) => (Some(lon), Some(lat)),
            None => (None, None),
        };
        match self {
            Batch::Parameters {
                values,
                rows,
                month,
                ..
            } => {
                let month = match month {
                    Some((date, text)) if *date == row.month => text.clone(),
                    _ => {
                        let text = row.month.format("%Y-%m-%d").to_string();
                        *month = Some((row.month, text.clone()));
                        text
                    }
                };
                let text = |s: &str| Value::String(Some(s.to_string()));
                values.extend([
                    text(row.falls_within),
                    Value::String(Some(month)),
                    Value::String(row.crime_id.map(str::to_string)),
                    text(row.reported_by),
                    Value::Double(longitude),
                    Value::Double(latitude),
                    text(row.location_text),
                    text(row.lsoa_code),
                    text(row.lsoa_name),
                    text(district),
                    text(row.crime_type),
                    Value::String(row.outcome.map(str::to_string)),
                ]);
                *rows += 1;
            }
            Batch::Json { document, rows } => {
                document.push(if *rows == 0 { b'[' } else { b',' });
                let json = JsonRow {
                    force: row.falls_within,
                    month: row.month,
                    crime_id: row.crime_id,
                    reported_by: row.reported_by,
                    longitude,
                    latitude,
                    location: row.location_text,
                    lsoa_code: row.lsoa_code,
                    lsoa_name: row.lsoa_name,
                    district,
                    crime_type: row.crime_type,
                    outcome: row.outcome,
                };
                serde_json::to_writer(&mut *document, &json)
                    .expect("a row of strings and numbers serialises");
                *rows += 1;
            }
        }
    }

    /// The INSERT of the rows held, if any, leaving the batch empty.
    fn take(&mut self) -> Option<Statement> {
        match self {
            Batch::Parameters { rows: 0, .. } | Batch::Json { rows: 0, .. } => None,
            Batch::Parameters {
                full, values, rows, ..
            } => {
                let values =
                    std::mem::replace(values, Vec::with_capacity(SQLITE_BATCH * ROW_COLUMNS.len()));
                let sql = if *rows == SQLITE_BATCH {
                    full.clone()
                } else {
                    parameters_sql(*rows)
                };
                *rows = 0;
                Some(Statement::from_sql_and_values(
                    DbBackend::Sqlite,
                    sql,
                    values,
                ))
            }
            Batch::Json { document, rows } => {
                document.push(b']');
                let text =
                    String::from_utf8(std::mem::take(document)).expect("serde_json writes UTF-8");
                *rows = 0;
                Some(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    JSON_SQL,
                    [text.into()],
                ))
            }
        }
    }
}

/// One INSERT of `rows` rows with plain `?` parameters. SQLite numbers `?` in order;
/// numbered `?NNN` made each bind look the name up, which cost more than the insert.
///
/// `OR FAIL`: a multi-row INSERT that may stop half way with ABORT (the default, and
/// these columns are NOT NULL) makes SQLite keep a statement journal, a copy of every
/// page the statement changes that existed before it, written out to a temporary file:
/// that was a third of the import's writes. With FAIL a refused row stops the
/// statement without undoing its earlier rows, which needs no journal; the import
/// fails as a whole anyway and its transaction (or savepoint) is rolled back.
fn parameters_sql(rows: usize) -> String {
    let one = format!("({})", vec!["?"; ROW_COLUMNS.len()].join(", "));
    format!(
        "INSERT OR FAIL INTO police_uk_rows ({}) VALUES {}",
        ROW_COLUMNS.join(", "),
        vec![one; rows].join(", ")
    )
}

/// PostgreSQL unpacks a batch's JSON array into rows itself.
const JSON_SQL: &str = "INSERT INTO police_uk_rows \
    (force, month, crime_id, reported_by, longitude, latitude, location, lsoa_code, \
     lsoa_name, district, crime_type, outcome) \
    SELECT force, month, crime_id, reported_by, longitude, latitude, location, lsoa_code, \
     lsoa_name, district, crime_type, outcome \
    FROM json_to_recordset($1::json) AS r(force text, month date, crime_id text, \
     reported_by text, longitude double precision, latitude double precision, \
     location text, lsoa_code text, lsoa_name text, district text, crime_type text, \
     outcome text)";

/// A kept row as the JSON document names its columns.
#[derive(Serialize)]
struct JsonRow<'a> {
    force: &'a str,
    month: NaiveDate,
    crime_id: Option<&'a str>,
    reported_by: &'a str,
    longitude: Option<f64>,
    latitude: Option<f64>,
    location: &'a str,
    lsoa_code: &'a str,
    lsoa_name: &'a str,
    district: &'a str,
    crime_type: &'a str,
    outcome: Option<&'a str>,
}

/// The LSOAs of a GeoJSON FeatureCollection whose features carry `code`, `name` and
/// `district` properties.
fn parse_lsoas(text: &str) -> Result<Vec<Lsoa>, StoreError> {
    let bad = |why: &str| StoreError::Invalid(format!("LSOA boundaries: {why}"));
    let doc: serde_json::Value = serde_json::from_str(text).map_err(|e| bad(&e.to_string()))?;
    let features = doc["features"]
        .as_array()
        .ok_or_else(|| bad("no features"))?;
    features
        .iter()
        .map(|feature| {
            let property = |name: &str| {
                feature["properties"][name]
                    .as_str()
                    .map(str::to_string)
                    .ok_or_else(|| bad(&format!("a feature has no {name}")))
            };
            Ok(Lsoa {
                code: property("code")?,
                name: property("name")?,
                district: property("district")?,
                geometry: feature["geometry"].to_string(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const OURS: [&str; 2] = open_data::DEFAULT_DISTRICT_PREFIXES;
    const FILE: &str = include_str!("../../../tests/fixtures/police-uk/2016-03-cumbria-street.csv");

    #[test]
    fn the_real_file_checks_clean() {
        let check = check_police_uk(FILE.as_bytes(), &OURS);
        assert!(check.is_clean(), "{:?}", check.errors);
        assert_eq!(check.rows_read, 3326);
        assert_eq!(check.rows_kept, 1003);
        assert_eq!(check.rows_without_location, 0);
        assert_eq!(
            check.months(),
            [NaiveDate::from_ymd_opt(2016, 3, 1).expect("date")]
        );
    }

    #[test]
    fn a_broken_line_is_named() {
        let mut lines: Vec<String> = FILE.lines().map(str::to_string).collect();
        lines[99] = "only,three,columns".into();
        let broken = lines.join("\n");
        let check = check_police_uk(broken.as_bytes(), &OURS);
        assert_eq!(check.error_count, 1);
        assert_eq!(check.errors[0].line, 100);
        assert_eq!(check.rows_read, 3326);
    }

    #[test]
    fn line_numbers_are_the_files_lines() {
        let mut lines: Vec<&str> = FILE.lines().take(3).collect();
        lines.push("a,b,c");
        let check = check_police_uk(lines.join("\n").as_bytes(), &OURS);
        assert_eq!(check.errors[0].line, 4, "{:?}", check.errors);
        let check = check_police_uk(lines.join("\r\n").as_bytes(), &OURS);
        assert_eq!(check.errors[0].line, 4, "{:?}", check.errors);
    }

    #[test]
    fn a_wrong_header_is_line_1() {
        let check = check_police_uk("a,b\n1,2\n".as_bytes(), &OURS);
        assert_eq!(check.errors.len(), 1);
        assert_eq!(check.errors[0].line, 1);
    }

    #[test]
    fn the_boundaries_parse() {
        let lsoas = parse_lsoas(LSOA_FILE).expect("boundaries");
        assert_eq!(lsoas.len(), 109);
    }
}
