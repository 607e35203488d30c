//! [`AccountRepository`] over diesel.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain_accounts::{
    AccountRepository, AuthState, CreateUserError, Credentials, CustomerProfile,
    CustomerProfileUpdate, Email, NewRefreshToken, NewUser, RefreshTokenRecord, RefreshVerdict,
    Role, RotateOutcome, Slug, UpdateVendorError, User, UserAccount, UserId, UserUpdate,
    VendorProfile, VendorProfileUpdate,
};
use domain_core::StoreError;

use crate::common::{new_id, utc};
use crate::db::{
    checkout, is_unique_violation, store_error, write_transaction, DbConnection, DbPool,
};
use crate::schema::{customer_profiles, login_failures, refresh_tokens, users, vendor_profiles};

/// Accounts stored in the database behind `pool`.
#[derive(Clone)]
pub struct DieselAccountRepository {
    pool: DbPool,
}

impl DieselAccountRepository {
    pub fn new(pool: DbPool) -> Self {
        Self { pool }
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = users)]
struct UserRow {
    id: String,
    email: String,
    role: String,
    full_name: Option<String>,
    phone: Option<String>,
    is_active: bool,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl UserRow {
    fn into_user(self) -> Result<User, StoreError> {
        Ok(User {
            id: UserId(self.id),
            email: self.email,
            role: self.role.parse::<Role>().map_err(StoreError::unexpected)?,
            full_name: self.full_name,
            phone: self.phone,
            is_active: self.is_active,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

#[derive(Insertable)]
#[diesel(table_name = users)]
struct NewUserRow<'a> {
    id: &'a str,
    email: &'a str,
    password_hash: &'a str,
    role: &'a str,
    full_name: Option<&'a str>,
    phone: Option<&'a str>,
    is_active: bool,
    token_version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = vendor_profiles)]
pub(crate) struct VendorRow {
    user_id: String,
    business_name: String,
    slug: String,
    description: Option<String>,
    contact_email: Option<String>,
    contact_phone: Option<String>,
    website: Option<String>,
    city: Option<String>,
    country: Option<String>,
    timezone: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl From<VendorRow> for VendorProfile {
    fn from(row: VendorRow) -> Self {
        Self {
            business_name: row.business_name,
            slug: row.slug,
            description: row.description,
            contact_email: row.contact_email,
            contact_phone: row.contact_phone,
            website: row.website,
            city: row.city,
            country: row.country,
            timezone: row.timezone,
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
        }
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = customer_profiles)]
struct CustomerRow {
    user_id: String,
    display_name: Option<String>,
    phone: Option<String>,
    emergency_contact: Option<String>,
    driver_license_number: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl From<CustomerRow> for CustomerProfile {
    fn from(row: CustomerRow) -> Self {
        Self {
            display_name: row.display_name,
            phone: row.phone,
            emergency_contact: row.emergency_contact,
            driver_license_number: row.driver_license_number,
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
        }
    }
}

#[derive(AsChangeset)]
#[diesel(table_name = users)]
struct UserChanges<'a> {
    full_name: Option<Option<&'a str>>,
    phone: Option<Option<&'a str>>,
    updated_at: NaiveDateTime,
}

#[derive(AsChangeset)]
#[diesel(table_name = vendor_profiles)]
struct VendorChanges<'a> {
    business_name: Option<&'a str>,
    slug: Option<&'a str>,
    description: Option<Option<&'a str>>,
    contact_email: Option<Option<&'a str>>,
    contact_phone: Option<Option<&'a str>>,
    website: Option<Option<&'a str>>,
    city: Option<Option<&'a str>>,
    country: Option<Option<&'a str>>,
    timezone: Option<&'a str>,
    updated_at: NaiveDateTime,
}

#[derive(AsChangeset)]
#[diesel(table_name = customer_profiles)]
struct CustomerChanges<'a> {
    display_name: Option<Option<&'a str>>,
    phone: Option<Option<&'a str>>,
    emergency_contact: Option<Option<&'a str>>,
    driver_license_number: Option<Option<&'a str>>,
    updated_at: NaiveDateTime,
}

/// Maps a PATCH field of domain values to a changeset field of `&str`.
fn patch_str<T>(patch: &Option<Option<T>>, as_str: impl Fn(&T) -> &str) -> Option<Option<&str>> {
    patch.as_ref().map(|value| value.as_ref().map(&as_str))
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = refresh_tokens)]
struct RefreshRow {
    id: String,
    user_id: String,
    family_id: String,
    expires_at: NaiveDateTime,
    used_at: Option<NaiveDateTime>,
    revoked_at: Option<NaiveDateTime>,
}

#[derive(Insertable)]
#[diesel(table_name = refresh_tokens)]
struct NewRefreshRow<'a> {
    id: String,
    user_id: &'a str,
    family_id: &'a str,
    token_hash: &'a str,
    expires_at: NaiveDateTime,
    created_at: NaiveDateTime,
}

impl<'a> NewRefreshRow<'a> {
    fn new(user_id: &'a str, family_id: &'a str, token: &'a NewRefreshToken) -> Self {
        Self {
            id: new_id(),
            user_id,
            family_id,
            token_hash: &token.token_hash,
            expires_at: token.expires_at.naive_utc(),
            created_at: token.created_at.naive_utc(),
        }
    }
}

/// A user row with the rows of their profiles.
type AccountRows = (UserRow, Option<VendorRow>, Option<CustomerRow>);

fn load_account(conn: &mut DbConnection, id: &str) -> QueryResult<Option<AccountRows>> {
    let Some(user) = users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let vendor = vendor_profiles::table
        .find(id)
        .select(VendorRow::as_select())
        .first(conn)
        .optional()?;
    let customer = customer_profiles::table
        .find(id)
        .select(CustomerRow::as_select())
        .first(conn)
        .optional()?;
    Ok(Some((user, vendor, customer)))
}

fn into_account((user, vendor, customer): AccountRows) -> Result<UserAccount, StoreError> {
    Ok(UserAccount {
        user: user.into_user()?,
        vendor_profile: vendor.map(Into::into),
        customer_profile: customer.map(Into::into),
    })
}

/// Transaction bodies return diesel errors; the domain errors are decided afterwards.
enum TxError {
    Diesel(diesel::result::Error),
    SlugTaken,
}

impl From<diesel::result::Error> for TxError {
    fn from(error: diesel::result::Error) -> Self {
        Self::Diesel(error)
    }
}

impl AccountRepository for DieselAccountRepository {
    fn create_user(&self, user: &NewUser) -> Result<UserAccount, CreateUserError> {
        let mut conn = checkout(&self.pool)?;
        let id = new_id();
        let at = user.at.naive_utc();
        let result = write_transaction(&mut conn, |conn| {
            diesel::insert_into(users::table)
                .values(NewUserRow {
                    id: &id,
                    email: user.email.as_str(),
                    password_hash: &user.password_hash,
                    role: user.role.as_str(),
                    full_name: user.full_name.as_ref().map(|n| n.as_str()),
                    phone: user.phone.as_ref().map(|p| p.as_str()),
                    is_active: true,
                    token_version: 0,
                    created_at: at,
                    updated_at: at,
                })
                .execute(conn)?;
            match (&user.vendor, user.role) {
                (Some(vendor), _) => {
                    let profile = &vendor.profile;
                    diesel::insert_into(vendor_profiles::table)
                        .values(VendorRow {
                            user_id: id.clone(),
                            business_name: profile.business_name.as_str().to_owned(),
                            slug: vendor.slug.as_str().to_owned(),
                            description: profile
                                .description
                                .as_ref()
                                .map(|v| v.as_str().to_owned()),
                            contact_email: profile
                                .contact_email
                                .as_ref()
                                .map(|v| v.as_str().to_owned()),
                            contact_phone: profile
                                .contact_phone
                                .as_ref()
                                .map(|v| v.as_str().to_owned()),
                            website: profile.website.as_ref().map(|v| v.as_str().to_owned()),
                            city: profile.city.as_ref().map(|v| v.as_str().to_owned()),
                            country: profile.country.as_ref().map(|v| v.as_str().to_owned()),
                            timezone: profile.timezone.name().to_owned(),
                            created_at: at,
                            updated_at: at,
                        })
                        .execute(conn)?;
                }
                (None, Role::Customer) => {
                    diesel::insert_into(customer_profiles::table)
                        .values(CustomerRow {
                            user_id: id.clone(),
                            display_name: None,
                            phone: None,
                            emergency_contact: None,
                            driver_license_number: None,
                            created_at: at,
                            updated_at: at,
                        })
                        .execute(conn)?;
                }
                (None, _) => {}
            }
            load_account(conn, &id)
        });
        match result {
            Ok(Some(rows)) => Ok(into_account(rows)?),
            Ok(None) => Err(StoreError::unexpected("inserted user vanished").into()),
            Err(error) if is_unique_violation(&error, "users_email_key", "users.email") => {
                Err(CreateUserError::EmailTaken)
            }
            Err(error)
                if is_unique_violation(
                    &error,
                    "vendor_profiles_slug_key",
                    "vendor_profiles.slug",
                ) =>
            {
                Err(CreateUserError::SlugTaken)
            }
            Err(error) => Err(store_error(error).into()),
        }
    }

    fn vendor_slug_exists(&self, slug: &Slug) -> Result<bool, StoreError> {
        let mut conn = checkout(&self.pool)?;
        diesel::select(diesel::dsl::exists(
            vendor_profiles::table.filter(vendor_profiles::slug.eq(slug.as_str())),
        ))
        .get_result(&mut *conn)
        .map_err(store_error)
    }

    fn find_credentials(&self, email: &Email) -> Result<Option<Credentials>, StoreError> {
        let mut conn = checkout(&self.pool)?;
        users::table
            .filter(users::email.eq(email.as_str()))
            .select((users::id, users::password_hash, users::is_active))
            .first::<(String, String, bool)>(&mut *conn)
            .optional()
            .map_err(store_error)
            .map(|row| {
                row.map(|(id, password_hash, is_active)| Credentials {
                    user_id: UserId(id),
                    password_hash,
                    is_active,
                })
            })
    }

    fn find_password_hash(&self, user: &UserId) -> Result<Option<String>, StoreError> {
        let mut conn = checkout(&self.pool)?;
        users::table
            .find(&user.0)
            .select(users::password_hash)
            .first(&mut *conn)
            .optional()
            .map_err(store_error)
    }

    fn find_account(&self, user: &UserId) -> Result<Option<UserAccount>, StoreError> {
        let mut conn = checkout(&self.pool)?;
        load_account(&mut conn, &user.0)
            .map_err(store_error)?
            .map(into_account)
            .transpose()
    }

    fn auth_state(&self, user: &UserId) -> Result<Option<AuthState>, StoreError> {
        let mut conn = checkout(&self.pool)?;
        let row = users::table
            .find(&user.0)
            .select((users::role, users::is_active, users::token_version))
            .first::<(String, bool, i64)>(&mut *conn)
            .optional()
            .map_err(store_error)?;
        row.map(|(role, is_active, token_version)| {
            Ok(AuthState {
                role: role.parse().map_err(StoreError::unexpected)?,
                is_active,
                token_version,
            })
        })
        .transpose()
    }

    fn recent_login_failures(
        &self,
        email: &Email,
        since: DateTime<Utc>,
    ) -> Result<Vec<DateTime<Utc>>, StoreError> {
        let mut conn = checkout(&self.pool)?;
        let times: Vec<NaiveDateTime> = login_failures::table
            .filter(login_failures::email.eq(email.as_str()))
            .filter(login_failures::failed_at.ge(since.naive_utc()))
            .order(login_failures::failed_at.asc())
            .select(login_failures::failed_at)
            .load(&mut *conn)
            .map_err(store_error)?;
        Ok(times.into_iter().map(utc).collect())
    }

    fn record_login_failure(
        &self,
        email: &Email,
        at: DateTime<Utc>,
        forget_before: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut conn = checkout(&self.pool)?;
        write_transaction(&mut conn, |conn| {
            diesel::delete(
                login_failures::table
                    .filter(login_failures::email.eq(email.as_str()))
                    .filter(login_failures::failed_at.lt(forget_before.naive_utc())),
            )
            .execute(conn)?;
            diesel::insert_into(login_failures::table)
                .values((
                    login_failures::id.eq(new_id()),
                    login_failures::email.eq(email.as_str()),
                    login_failures::failed_at.eq(at.naive_utc()),
                ))
                .execute(conn)
        })
        .map_err(store_error)?;
        Ok(())
    }

    fn clear_login_failures(&self, email: &Email) -> Result<(), StoreError> {
        let mut conn = checkout(&self.pool)?;
        diesel::delete(login_failures::table.filter(login_failures::email.eq(email.as_str())))
            .execute(&mut *conn)
            .map_err(store_error)?;
        Ok(())
    }

    fn start_refresh_family(
        &self,
        user: &UserId,
        token: &NewRefreshToken,
    ) -> Result<(), StoreError> {
        let mut conn = checkout(&self.pool)?;
        let family = new_id();
        diesel::insert_into(refresh_tokens::table)
            .values(NewRefreshRow::new(&user.0, &family, token))
            .execute(&mut *conn)
            .map_err(store_error)?;
        Ok(())
    }

    fn rotate_refresh_token(
        &self,
        presented_hash: &str,
        replacement: &NewRefreshToken,
        now: DateTime<Utc>,
    ) -> Result<RotateOutcome, StoreError> {
        let mut conn = checkout(&self.pool)?;
        let naive_now = now.naive_utc();
        write_transaction(&mut conn, |conn| {
            let found = refresh_tokens::table
                .inner_join(users::table)
                .filter(refresh_tokens::token_hash.eq(presented_hash))
                .select((
                    RefreshRow::as_select(),
                    users::is_active,
                    users::role,
                    users::token_version,
                ))
                .first::<(RefreshRow, bool, String, i64)>(conn)
                .optional()?;
            let Some((row, user_active, role, token_version)) = found else {
                return Ok(RotateOutcome::Refused);
            };
            let record = RefreshTokenRecord {
                id: row.id.clone(),
                user_id: UserId(row.user_id.clone()),
                family_id: row.family_id.clone(),
                expires_at: utc(row.expires_at),
                used_at: row.used_at.map(utc),
                revoked_at: row.revoked_at.map(utc),
                user_active,
            };
            let revoke_family = |conn: &mut DbConnection| {
                diesel::update(
                    refresh_tokens::table
                        .filter(refresh_tokens::family_id.eq(&row.family_id))
                        .filter(refresh_tokens::revoked_at.is_null()),
                )
                .set(refresh_tokens::revoked_at.eq(naive_now))
                .execute(conn)
            };
            match record.judge(now) {
                RefreshVerdict::Refuse => Ok(RotateOutcome::Refused),
                RefreshVerdict::Reused => {
                    revoke_family(conn)?;
                    Ok(RotateOutcome::Reused)
                }
                RefreshVerdict::Rotate => {
                    // The conditional update is the lock: of two concurrent rotations of one
                    // token only one sees `used_at IS NULL`; the other is a reuse.
                    let claimed = diesel::update(
                        refresh_tokens::table
                            .filter(refresh_tokens::id.eq(&row.id))
                            .filter(refresh_tokens::used_at.is_null())
                            .filter(refresh_tokens::revoked_at.is_null()),
                    )
                    .set(refresh_tokens::used_at.eq(naive_now))
                    .execute(conn)?;
                    if claimed == 0 {
                        revoke_family(conn)?;
                        return Ok(RotateOutcome::Reused);
                    }
                    diesel::insert_into(refresh_tokens::table)
                        .values(NewRefreshRow::new(
                            &row.user_id,
                            &row.family_id,
                            replacement,
                        ))
                        .execute(conn)?;
                    Ok(RotateOutcome::Rotated {
                        user_id: record.user_id,
                        role: role.parse().map_err(|_| {
                            diesel::result::Error::DeserializationError(
                                format!("unknown role {role:?}").into(),
                            )
                        })?,
                        token_version,
                    })
                }
            }
        })
        .map_err(store_error)
    }

    fn revoke_refresh_family(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut conn = checkout(&self.pool)?;
        write_transaction(&mut conn, |conn| {
            let family: Option<String> = refresh_tokens::table
                .filter(refresh_tokens::token_hash.eq(token_hash))
                .select(refresh_tokens::family_id)
                .first(conn)
                .optional()?;
            let Some(family) = family else {
                return Ok(false);
            };
            diesel::update(
                refresh_tokens::table
                    .filter(refresh_tokens::family_id.eq(&family))
                    .filter(refresh_tokens::revoked_at.is_null()),
            )
            .set(refresh_tokens::revoked_at.eq(now.naive_utc()))
            .execute(conn)?;
            Ok(true)
        })
        .map_err(store_error)
    }

    fn update_user(
        &self,
        user: &UserId,
        update: &UserUpdate,
        now: DateTime<Utc>,
    ) -> Result<Option<UserAccount>, StoreError> {
        let mut conn = checkout(&self.pool)?;
        write_transaction(&mut conn, |conn| {
            let changed = diesel::update(users::table.find(&user.0))
                .set(UserChanges {
                    full_name: patch_str(&update.full_name, |v| v.as_str()),
                    phone: patch_str(&update.phone, |v| v.as_str()),
                    updated_at: now.naive_utc(),
                })
                .execute(conn)?;
            if changed == 0 {
                return Ok(None);
            }
            load_account(conn, &user.0)
        })
        .map_err(store_error)?
        .map(into_account)
        .transpose()
    }

    fn change_password(
        &self,
        user: &UserId,
        new_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut conn = checkout(&self.pool)?;
        write_transaction(&mut conn, |conn| {
            diesel::update(users::table.find(&user.0))
                .set((
                    users::password_hash.eq(new_hash),
                    users::token_version.eq(users::token_version + 1),
                    users::updated_at.eq(now.naive_utc()),
                ))
                .execute(conn)?;
            diesel::update(
                refresh_tokens::table
                    .filter(refresh_tokens::user_id.eq(&user.0))
                    .filter(refresh_tokens::revoked_at.is_null()),
            )
            .set(refresh_tokens::revoked_at.eq(now.naive_utc()))
            .execute(conn)
        })
        .map_err(store_error)?;
        Ok(())
    }

    fn update_vendor_profile(
        &self,
        user: &UserId,
        update: &VendorProfileUpdate,
        now: DateTime<Utc>,
    ) -> Result<Option<VendorProfile>, UpdateVendorError> {
        let mut conn = checkout(&self.pool)?;
        let result = write_transaction(&mut conn, |conn| {
            let changed = diesel::update(vendor_profiles::table.find(&user.0))
                .set(VendorChanges {
                    business_name: update.business_name.as_ref().map(|v| v.as_str()),
                    slug: update.slug.as_ref().map(|v| v.as_str()),
                    description: patch_str(&update.description, |v| v.as_str()),
                    contact_email: patch_str(&update.contact_email, |v| v.as_str()),
                    contact_phone: patch_str(&update.contact_phone, |v| v.as_str()),
                    website: patch_str(&update.website, |v| v.as_str()),
                    city: patch_str(&update.city, |v| v.as_str()),
                    country: patch_str(&update.country, |v| v.as_str()),
                    timezone: update.timezone.as_ref().map(|v| v.name()),
                    updated_at: now.naive_utc(),
                })
                .execute(conn)
                .map_err(|error| {
                    if is_unique_violation(
                        &error,
                        "vendor_profiles_slug_key",
                        "vendor_profiles.slug",
                    ) {
                        TxError::SlugTaken
                    } else {
                        TxError::Diesel(error)
                    }
                })?;
            if changed == 0 {
                return Ok(None);
            }
            Ok(vendor_profiles::table
                .find(&user.0)
                .select(VendorRow::as_select())
                .first(conn)
                .optional()?)
        });
        match result {
            Ok(row) => Ok(row.map(Into::into)),
            Err(TxError::SlugTaken) => Err(UpdateVendorError::SlugTaken),
            Err(TxError::Diesel(error)) => Err(store_error(error).into()),
        }
    }

    fn update_customer_profile(
        &self,
        user: &UserId,
        update: &CustomerProfileUpdate,
        now: DateTime<Utc>,
    ) -> Result<Option<CustomerProfile>, StoreError> {
        let mut conn = checkout(&self.pool)?;
        let at = now.naive_utc();
        write_transaction(&mut conn, |conn| {
            let exists: bool =
                diesel::select(diesel::dsl::exists(users::table.find(&user.0))).get_result(conn)?;
            if !exists {
                return Ok(None);
            }
            let has_profile: bool =
                diesel::select(diesel::dsl::exists(customer_profiles::table.find(&user.0)))
                    .get_result(conn)?;
            if !has_profile {
                diesel::insert_into(customer_profiles::table)
                    .values(CustomerRow {
                        user_id: user.0.clone(),
                        display_name: None,
                        phone: None,
                        emergency_contact: None,
                        driver_license_number: None,
                        created_at: at,
                        updated_at: at,
                    })
                    .execute(conn)?;
            }
            diesel::update(customer_profiles::table.find(&user.0))
                .set(CustomerChanges {
                    display_name: patch_str(&update.display_name, |v| v.as_str()),
                    phone: patch_str(&update.phone, |v| v.as_str()),
                    emergency_contact: patch_str(&update.emergency_contact, |v| v.as_str()),
                    driver_license_number: patch_str(&update.driver_license_number, |v| v.as_str()),
                    updated_at: at,
                })
                .execute(conn)?;
            customer_profiles::table
                .find(&user.0)
                .select(CustomerRow::as_select())
                .first(conn)
                .optional()
        })
        .map(|row| row.map(Into::into))
        .map_err(store_error)
    }
}
