//! People: create, find, read and change the one record each person has.

use casework_domain::FieldError;
use casework_domain::people::{KnownPerson, PersonDetails, fold_name, possible_duplicate};
use chrono::{NaiveDate, Utc};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use uuid::Uuid;

use crate::entities::{person, ward};
use crate::{Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    pub id: Uuid,
    pub forename: String,
    pub surname: String,
    pub date_of_birth: Option<NaiveDate>,
    pub address: Option<String>,
    pub ward: Option<String>,
    pub created_by: Uuid,
    pub created_by_agency: String,
}

impl Person {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.forename, self.surname)
    }
}

/// One page of a list, and how many there are in all.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
}

/// Who is creating a record: for `created_by`.
#[derive(Debug, Clone, Copy)]
pub struct Creator<'a> {
    pub user_id: Uuid,
    pub agency: &'a str,
}

impl Store {
    /// Checks a ward code, naming the field when it is unknown.
    async fn check_ward(
        conn: &impl ConnectionTrait,
        ward_code: Option<&String>,
    ) -> Result<(), StoreError> {
        if let Some(code) = ward_code
            && ward::Entity::find_by_id(code.clone())
                .one(conn)
                .await?
                .is_none()
        {
            return Err(StoreError::Fields(vec![FieldError::new(
                "ward",
                format!("There is no ward '{code}'."),
            )]));
        }
        Ok(())
    }

    pub async fn create_person(
        &self,
        conn: &impl ConnectionTrait,
        details: &PersonDetails,
        creator: Creator<'_>,
    ) -> Result<Person, StoreError> {
        Self::check_ward(conn, details.ward.as_ref()).await?;
        let now = Utc::now();
        let row = person::ActiveModel {
            id: Set(Uuid::new_v4()),
            forename: Set(details.forename.clone()),
            surname: Set(details.surname.clone()),
            folded_name: Set(details.folded_name()),
            date_of_birth: Set(details.date_of_birth),
            address: Set(details.address.clone()),
            folded_address: Set(details.address.as_deref().map(fold_name)),
            ward_code: Set(details.ward.clone()),
            created_by: Set(creator.user_id),
            created_by_agency: Set(creator.agency.to_string()),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(conn)
        .await?;
        Ok(to_person(row))
    }

    /// People already on record who may be the person described: the domain decides
    /// from candidates found by the indexed name and address.
    pub async fn possible_duplicates(
        &self,
        conn: &impl ConnectionTrait,
        details: &PersonDetails,
        except: Option<Uuid>,
    ) -> Result<Vec<Person>, StoreError> {
        let mut candidates = person::Column::FoldedName.eq(details.folded_name());
        if let Some(address) = &details.address {
            candidates = candidates.or(person::Column::FoldedAddress.eq(fold_name(address)));
        }
        let mut query = person::Entity::find().filter(candidates);
        if let Some(id) = except {
            query = query.filter(person::Column::Id.ne(id));
        }
        let rows = query.limit(50).all(conn).await?;
        Ok(rows
            .into_iter()
            .filter(|row| {
                let known = KnownPerson {
                    folded_name: row.folded_name.clone(),
                    date_of_birth: row.date_of_birth,
                    address: row.address.clone(),
                };
                possible_duplicate(details, &known)
            })
            .map(to_person)
            .collect())
    }

    pub async fn person(&self, id: Uuid) -> Result<Option<Person>, StoreError> {
        Ok(person::Entity::find_by_id(id)
            .one(self.connection())
            .await?
            .map(to_person))
    }

    /// People whose folded name holds every search term, by surname then forename.
    pub async fn search_people(
        &self,
        terms: &[String],
        date_of_birth: Option<NaiveDate>,
        page: u64,
        per_page: u64,
    ) -> Result<Page<Person>, StoreError> {
        let mut query = person::Entity::find();
        for term in terms {
            // Terms are folded to letters, digits and spaces, so no LIKE wildcards.
            query = query.filter(person::Column::FoldedName.contains(term.as_str()));
        }
        if let Some(dob) = date_of_birth {
            query = query.filter(person::Column::DateOfBirth.eq(dob));
        }
        let query = query
            .order_by_asc(person::Column::Surname)
            .order_by_asc(person::Column::Forename)
            .order_by_asc(person::Column::Id);
        let paginator = query.paginate(self.connection(), Ord::max(per_page, 1));
        let total = paginator.num_items().await?;
        let items = paginator
            .fetch_page(page.saturating_sub(1))
            .await?
            .into_iter()
            .map(to_person)
            .collect();
        Ok(Page { items, total })
    }

    /// Changes a person's details. Returns the person as they were.
    pub async fn update_person(
        &self,
        conn: &impl ConnectionTrait,
        id: Uuid,
        details: &PersonDetails,
    ) -> Result<Person, StoreError> {
        let before = person::Entity::find_by_id(id)
            .one(conn)
            .await?
            .map(to_person)
            .ok_or(StoreError::NotFound)?;
        Self::check_ward(conn, details.ward.as_ref()).await?;
        person::ActiveModel {
            id: Set(id),
            forename: Set(details.forename.clone()),
            surname: Set(details.surname.clone()),
            folded_name: Set(details.folded_name()),
            date_of_birth: Set(details.date_of_birth),
            address: Set(details.address.clone()),
            folded_address: Set(details.address.as_deref().map(fold_name)),
            ward_code: Set(details.ward.clone()),
            updated_at: Set(Utc::now()),
            ..Default::default()
        }
        .update(conn)
        .await?;
        Ok(before)
    }
}

fn to_person(row: person::Model) -> Person {
    Person {
        id: row.id,
        forename: row.forename,
        surname: row.surname,
        date_of_birth: row.date_of_birth,
        address: row.address,
        ward: row.ward_code,
        created_by: row.created_by,
        created_by_agency: row.created_by_agency,
    }
}
