//! What the accounts domain needs from the outside world. Adapters live in other crates
//! (`persistence`, `api-server`); doubles for tests come from `mockall` (feature `mocks`).

use chrono::{DateTime, Utc};
use domain_core::StoreError;

use crate::model::{
    AuthState, Credentials, CustomerProfile, CustomerProfileUpdate, NewUser, UserAccount, UserId,
    UserUpdate, VendorProfile, VendorProfileUpdate,
};
use crate::tokens::{AccessClaims, NewRefreshToken};
use crate::values::{Email, Password, Role, Slug};

/// Why a user could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    #[error("an account with this e-mail address exists")]
    EmailTaken,
    #[error("this vendor slug is taken")]
    SlugTaken,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why a vendor profile could not be updated.
#[derive(Debug, thiserror::Error)]
pub enum UpdateVendorError {
    #[error("this vendor slug is taken")]
    SlugTaken,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What presenting a refresh token did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RotateOutcome {
    /// The token was valid; it is now used and the replacement is stored in its family.
    Rotated {
        user_id: UserId,
        role: Role,
        token_version: i64,
    },
    /// The token had been used before; every token of its family is now revoked.
    Reused,
    /// Unknown, expired, revoked, or the account is disabled. Nothing changed.
    Refused,
}

/// Storage of users, profiles, refresh tokens and failed logins.
///
/// Every method is one transaction. Times are UTC and come from the caller.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait AccountRepository: Send + Sync {
    /// Inserts the user with an empty customer profile (customers) or the vendor profile
    /// (vendors), in one transaction. MUST return `EmailTaken` when the e-mail exists and
    /// `SlugTaken` when the vendor slug exists, even when a concurrent insert wins the race.
    fn create_user(&self, user: &NewUser) -> Result<UserAccount, CreateUserError>;

    /// Whether a vendor already uses `slug`.
    fn vendor_slug_exists(&self, slug: &Slug) -> Result<bool, StoreError>;

    /// The credentials of the account with this (normalised) e-mail, if any.
    fn find_credentials(&self, email: &Email) -> Result<Option<Credentials>, StoreError>;

    /// The stored password hash of a user.
    fn find_password_hash(&self, user: &UserId) -> Result<Option<String>, StoreError>;

    /// A user with their profiles.
    fn find_account(&self, user: &UserId) -> Result<Option<UserAccount>, StoreError>;

    /// Role, active flag and token version of a user, for access-token checks.
    fn auth_state(&self, user: &UserId) -> Result<Option<AuthState>, StoreError>;

    /// Times of failed logins for this e-mail at or after `since`, oldest first.
    fn recent_login_failures(
        &self,
        email: &Email,
        since: DateTime<Utc>,
    ) -> Result<Vec<DateTime<Utc>>, StoreError>;

    /// Records a failed login for this e-mail (known or not) and forgets failures older than
    /// `forget_before`.
    fn record_login_failure(
        &self,
        email: &Email,
        at: DateTime<Utc>,
        forget_before: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// Forgets the failed logins of this e-mail (after a successful login).
    fn clear_login_failures(&self, email: &Email) -> Result<(), StoreError>;

    /// Stores the first refresh token of a new login (a new family).
    fn start_refresh_family(
        &self,
        user: &UserId,
        token: &NewRefreshToken,
    ) -> Result<(), StoreError>;

    /// Atomically (no two callers may both rotate one token): finds the token whose hash is
    /// `presented_hash`, judges it with [`crate::RefreshTokenRecord::judge`] at `now`, and
    ///  - `Rotate`: marks it used and stores `replacement` in the same family → `Rotated`;
    ///  - `Reused`: revokes every token of its family → `Reused`;
    ///  - `Refuse` or no such token: changes nothing → `Refused`.
    fn rotate_refresh_token(
        &self,
        presented_hash: &str,
        replacement: &NewRefreshToken,
        now: DateTime<Utc>,
    ) -> Result<RotateOutcome, StoreError>;

    /// Revokes the family of the token with this hash. Returns whether a token was found.
    fn revoke_refresh_family(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;

    /// Applies a profile update; `None` when the user does not exist.
    fn update_user(
        &self,
        user: &UserId,
        update: &UserUpdate,
        now: DateTime<Utc>,
    ) -> Result<Option<UserAccount>, StoreError>;

    /// Stores the new hash, bumps the token version (invalidating access tokens issued
    /// before) and revokes every refresh token of the user, in one transaction.
    fn change_password(
        &self,
        user: &UserId,
        new_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// Applies a vendor profile update; `None` when the user has no vendor profile. MUST
    /// return `SlugTaken` when another vendor has the new slug.
    fn update_vendor_profile(
        &self,
        user: &UserId,
        update: &VendorProfileUpdate,
        now: DateTime<Utc>,
    ) -> Result<Option<VendorProfile>, UpdateVendorError>;

    /// Applies a customer profile update, creating the profile if the customer has none yet.
    /// `None` when the user does not exist.
    fn update_customer_profile(
        &self,
        user: &UserId,
        update: &CustomerProfileUpdate,
        now: DateTime<Utc>,
    ) -> Result<Option<CustomerProfile>, StoreError>;
}

/// Password hashing. Implementations MUST use a memory-hard algorithm with salts.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait PasswordHasher: Send + Sync {
    /// A PHC-format hash of the password with a fresh salt.
    fn hash(&self, password: &Password) -> Result<String, StoreError>;

    /// Whether `candidate` matches `hash`. A malformed hash is `Ok(false)`.
    fn verify(&self, candidate: &str, hash: &str) -> bool;

    /// Does the work of one `verify` against no account, so that a login for an unknown
    /// e-mail takes as long as one with a wrong password.
    fn verify_dummy(&self, candidate: &str);
}

/// Why a presented access token could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid access token: {0}")]
pub struct TokenDecodeError(pub String);

/// Signs and verifies access tokens. Implementations MUST pin the algorithm and require
/// `exp`, `iss` and `aud` to match.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait AccessTokenCodec: Send + Sync {
    fn encode(&self, claims: &AccessClaims) -> Result<String, StoreError>;
    fn decode(&self, token: &str) -> Result<AccessClaims, TokenDecodeError>;
}

/// Opaque refresh tokens: random secrets of which only a hash is stored.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait RefreshTokenSecrets: Send + Sync {
    /// A new random token with at least 256 bits of entropy, URL-safe.
    fn generate(&self) -> String;
    /// The stored form of a token (a cryptographic hash; deterministic).
    fn hash(&self, token: &str) -> String;
}
