//! The accounts use cases. Each public method is one call from a handler.

use std::sync::Arc;

use chrono::Duration;
use domain_core::{Clock, StoreError, ValidationErrors};

use crate::model::{
    CustomerProfile, CustomerProfilePatchInput, CustomerProfileUpdate, NewUser, NewVendorRecord,
    RegisterInput, Registration, UserAccount, UserId, UserPatchInput, UserUpdate, VendorProfile,
    VendorProfilePatchInput, VendorProfileUpdate,
};
use crate::ports::{
    AccessTokenCodec, AccountRepository, CreateUserError, PasswordHasher, RefreshTokenSecrets,
    RotateOutcome, UpdateVendorError,
};
use crate::tokens::{NewRefreshToken, TokenPolicy};
use crate::values::{Email, Password, Role, Slug};

/// How many failed logins an account (an e-mail address) may have in a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginThrottle {
    pub max_failures: u32,
    pub window: Duration,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        Self {
            max_failures: 5,
            window: Duration::minutes(15),
        }
    }
}

/// A logged-in session: the account and a fresh token pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub account: UserAccount,
    pub access_token: String,
    pub refresh_token: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
}

/// The tokens of a refreshed session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshedTokens {
    pub user_id: UserId,
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: i64,
}

/// Who is calling, once their access token has been checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: UserId,
    pub role: Role,
}

impl Principal {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    #[error("invalid registration: {0}")]
    Invalid(ValidationErrors),
    #[error("an account with this e-mail address exists")]
    EmailTaken,
    #[error("this vendor slug is taken")]
    SlugTaken,
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// Unknown e-mail or wrong password: deliberately indistinguishable.
    #[error("invalid e-mail or password")]
    InvalidCredentials,
    #[error("too many failed logins; retry in {} s", retry_after.num_seconds())]
    TooManyAttempts { retry_after: Duration },
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, thiserror::Error)]
pub enum RefreshError {
    #[error("invalid or expired refresh token")]
    Invalid,
    #[error("refresh token reused; every token of that login is revoked")]
    Reused,
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("{0}")]
    Rejected(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("invalid input: {0}")]
    Invalid(ValidationErrors),
    #[error("this profile belongs to another role")]
    WrongRole,
    #[error("not found")]
    NotFound,
    #[error("this vendor slug is taken")]
    SlugTaken,
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, thiserror::Error)]
pub enum ChangePasswordError {
    #[error("invalid input: {0}")]
    Invalid(ValidationErrors),
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, thiserror::Error)]
pub enum CreateAdminError {
    #[error("invalid input: {0}")]
    Invalid(ValidationErrors),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What `create_admin` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreateAdminOutcome {
    Created(UserId),
    /// An account with the e-mail exists (with this role); nothing was changed.
    AlreadyExists(Role),
}

/// The ports the service uses.
#[derive(Clone)]
pub struct AccountPorts {
    pub repository: Arc<dyn AccountRepository>,
    pub hasher: Arc<dyn PasswordHasher>,
    pub codec: Arc<dyn AccessTokenCodec>,
    pub secrets: Arc<dyn RefreshTokenSecrets>,
    pub clock: Arc<dyn Clock>,
}

/// Registration, login, tokens and profiles.
#[derive(Clone)]
pub struct AccountService {
    ports: AccountPorts,
    policy: TokenPolicy,
    throttle: LoginThrottle,
}

/// The most vendor slugs tried with a numeric suffix before giving up with `SlugTaken`.
const SLUG_SUFFIX_ATTEMPTS: u32 = 50;

impl AccountService {
    pub fn new(ports: AccountPorts, policy: TokenPolicy, throttle: LoginThrottle) -> Self {
        Self {
            ports,
            policy,
            throttle,
        }
    }

    pub fn policy(&self) -> &TokenPolicy {
        &self.policy
    }

    /// Creates a customer or vendor account and logs it in.
    pub fn register(&self, input: RegisterInput) -> Result<Session, RegisterError> {
        let registration = Registration::parse(input).map_err(RegisterError::Invalid)?;
        let vendor = match registration.vendor {
            Some(profile) => {
                let slug = match &profile.slug {
                    Some(slug) => slug.clone(),
                    None => self.free_derived_slug(&profile.business_name)?,
                };
                Some(NewVendorRecord { profile, slug })
            }
            None => None,
        };
        let password_hash = self.ports.hasher.hash(&registration.password)?;
        let new_user = NewUser {
            email: registration.email,
            password_hash,
            role: registration.role,
            full_name: registration.full_name,
            phone: registration.phone,
            vendor,
            at: self.ports.clock.now(),
        };
        let account =
            self.ports
                .repository
                .create_user(&new_user)
                .map_err(|error| match error {
                    CreateUserError::EmailTaken => RegisterError::EmailTaken,
                    CreateUserError::SlugTaken => RegisterError::SlugTaken,
                    CreateUserError::Store(error) => RegisterError::Store(error),
                })?;
        Ok(self.open_session(account)?)
    }

    fn free_derived_slug(&self, name: &crate::values::Name) -> Result<Slug, RegisterError> {
        let base = Slug::derive_from(name.as_str()).ok_or_else(|| {
            RegisterError::Invalid(ValidationErrors::single(
                "vendor.slug",
                "cannot be derived from business_name; give one",
            ))
        })?;
        if !self.ports.repository.vendor_slug_exists(&base)? {
            return Ok(base);
        }
        for n in 2..SLUG_SUFFIX_ATTEMPTS + 2 {
            let candidate = base.with_suffix(n);
            if !self.ports.repository.vendor_slug_exists(&candidate)? {
                return Ok(candidate);
            }
        }
        Err(RegisterError::SlugTaken)
    }

    /// Checks an e-mail and password. Unknown e-mails and wrong passwords fail the same way
    /// and take the same time; too many failures for one e-mail within the throttle window
    /// are refused before the password is checked.
    pub fn login(&self, email: &str, password: &str) -> Result<Session, LoginError> {
        let repository = &self.ports.repository;
        let Ok(email) = Email::parse(email) else {
            self.ports.hasher.verify_dummy(password);
            return Err(LoginError::InvalidCredentials);
        };
        let now = self.ports.clock.now();
        let failures = repository.recent_login_failures(&email, now - self.throttle.window)?;
        if failures.len() >= self.throttle.max_failures as usize {
            let oldest = failures.first().copied().unwrap_or(now);
            let retry_after = (oldest + self.throttle.window - now).max(Duration::seconds(1));
            return Err(LoginError::TooManyAttempts { retry_after });
        }
        let credentials = repository.find_credentials(&email)?;
        let accepted = match &credentials {
            Some(credentials) => {
                self.ports
                    .hasher
                    .verify(password, &credentials.password_hash)
                    && credentials.is_active
            }
            None => {
                self.ports.hasher.verify_dummy(password);
                false
            }
        };
        let Some(credentials) = credentials.filter(|_| accepted) else {
            repository.record_login_failure(&email, now, now - self.throttle.window)?;
            return Err(LoginError::InvalidCredentials);
        };
        // Also forgets failures too old to count, so the table only holds live ones.
        repository.clear_login_failures(&email)?;
        let account = repository
            .find_account(&credentials.user_id)?
            .ok_or(LoginError::InvalidCredentials)?;
        Ok(self.open_session(account)?)
    }

    /// Exchanges a refresh token for a new pair (rotation with reuse detection).
    pub fn refresh(&self, refresh_token: &str) -> Result<RefreshedTokens, RefreshError> {
        let now = self.ports.clock.now();
        let presented = self.ports.secrets.hash(refresh_token);
        let replacement_plain = self.ports.secrets.generate();
        let replacement = NewRefreshToken {
            token_hash: self.ports.secrets.hash(&replacement_plain),
            expires_at: self.policy.refresh_expiry(now),
            created_at: now,
        };
        match self
            .ports
            .repository
            .rotate_refresh_token(&presented, &replacement, now)?
        {
            RotateOutcome::Rotated {
                user_id,
                role,
                token_version,
            } => {
                let claims = self
                    .policy
                    .access_claims(&user_id, role, token_version, now);
                let access_token = self.ports.codec.encode(&claims)?;
                Ok(RefreshedTokens {
                    user_id,
                    access_token,
                    refresh_token: replacement_plain,
                    expires_in: self.policy.access_ttl.num_seconds(),
                })
            }
            RotateOutcome::Reused => Err(RefreshError::Reused),
            RotateOutcome::Refused => Err(RefreshError::Invalid),
        }
    }

    /// Revokes the login that `refresh_token` belongs to. Unknown tokens are ignored, so
    /// logging out twice is harmless.
    pub fn logout(&self, refresh_token: &str) -> Result<(), StoreError> {
        let hash = self.ports.secrets.hash(refresh_token);
        self.ports
            .repository
            .revoke_refresh_family(&hash, self.ports.clock.now())?;
        Ok(())
    }

    /// Checks a bearer access token against the policy and the account as stored now.
    pub fn authenticate(&self, access_token: &str) -> Result<Principal, AuthError> {
        let claims = self
            .ports
            .codec
            .decode(access_token)
            .map_err(|error| AuthError::Rejected(error.to_string()))?;
        let user_id = UserId(claims.sub.clone());
        let state = self.ports.repository.auth_state(&user_id)?;
        let role = claims
            .judge(&self.policy, state.as_ref(), self.ports.clock.now())
            .map_err(|rejection| AuthError::Rejected(rejection.to_string()))?;
        Ok(Principal { user_id, role })
    }

    pub fn me(&self, principal: &Principal) -> Result<UserAccount, ProfileError> {
        self.ports
            .repository
            .find_account(&principal.user_id)?
            .ok_or(ProfileError::NotFound)
    }

    pub fn update_me(
        &self,
        principal: &Principal,
        input: &UserPatchInput,
    ) -> Result<UserAccount, ProfileError> {
        let update = UserUpdate::parse(input).map_err(ProfileError::Invalid)?;
        self.ports
            .repository
            .update_user(&principal.user_id, &update, self.ports.clock.now())?
            .ok_or(ProfileError::NotFound)
    }

    /// Changes the password after checking the current one; revokes every refresh token and
    /// every access token issued before.
    pub fn change_password(
        &self,
        principal: &Principal,
        current_password: &str,
        new_password: &str,
    ) -> Result<(), ChangePasswordError> {
        let account = self
            .ports
            .repository
            .find_account(&principal.user_id)?
            .ok_or(ChangePasswordError::NotFound)?;
        let mut errors = ValidationErrors::new();
        let new_password = errors.check(
            "new_password",
            Password::parse(new_password, &account.known_words()),
        );
        if new_password
            .as_ref()
            .is_some_and(|new| new.expose() == current_password)
        {
            errors.add("new_password", "must differ from the current password");
        }
        let hash = self
            .ports
            .repository
            .find_password_hash(&principal.user_id)?
            .ok_or(ChangePasswordError::NotFound)?;
        if !self.ports.hasher.verify(current_password, &hash) {
            errors.add("current_password", "is not your current password");
        }
        errors.into_result().map_err(ChangePasswordError::Invalid)?;
        let Some(new_password) = new_password else {
            return Err(ChangePasswordError::Invalid(ValidationErrors::single(
                "new_password",
                "is invalid",
            )));
        };
        let new_hash = self.ports.hasher.hash(&new_password)?;
        self.ports.repository.change_password(
            &principal.user_id,
            &new_hash,
            self.ports.clock.now(),
        )?;
        Ok(())
    }

    pub fn vendor_profile(&self, principal: &Principal) -> Result<VendorProfile, ProfileError> {
        if principal.role != Role::Vendor {
            return Err(ProfileError::WrongRole);
        }
        self.me(principal)?
            .vendor_profile
            .ok_or(ProfileError::NotFound)
    }

    pub fn update_vendor_profile(
        &self,
        principal: &Principal,
        input: &VendorProfilePatchInput,
    ) -> Result<VendorProfile, ProfileError> {
        if principal.role != Role::Vendor {
            return Err(ProfileError::WrongRole);
        }
        let update = VendorProfileUpdate::parse(input).map_err(ProfileError::Invalid)?;
        self.ports
            .repository
            .update_vendor_profile(&principal.user_id, &update, self.ports.clock.now())
            .map_err(|error| match error {
                UpdateVendorError::SlugTaken => ProfileError::SlugTaken,
                UpdateVendorError::Store(error) => ProfileError::Store(error),
            })?
            .ok_or(ProfileError::NotFound)
    }

    pub fn customer_profile(&self, principal: &Principal) -> Result<CustomerProfile, ProfileError> {
        if principal.role != Role::Customer {
            return Err(ProfileError::WrongRole);
        }
        self.me(principal)?
            .customer_profile
            .ok_or(ProfileError::NotFound)
    }

    pub fn update_customer_profile(
        &self,
        principal: &Principal,
        input: &CustomerProfilePatchInput,
    ) -> Result<CustomerProfile, ProfileError> {
        if principal.role != Role::Customer {
            return Err(ProfileError::WrongRole);
        }
        let update = CustomerProfileUpdate::parse(input).map_err(ProfileError::Invalid)?;
        self.ports
            .repository
            .update_customer_profile(&principal.user_id, &update, self.ports.clock.now())?
            .ok_or(ProfileError::NotFound)
    }

    /// Creates an administrator (operator CLI only). An existing account is left unchanged.
    pub fn create_admin(
        &self,
        email: &str,
        password: &str,
    ) -> Result<CreateAdminOutcome, CreateAdminError> {
        let email = Email::parse(email)
            .map_err(|e| CreateAdminError::Invalid(ValidationErrors::single("email", e)))?;
        if let Some(credentials) = self.ports.repository.find_credentials(&email)? {
            let role = self
                .ports
                .repository
                .auth_state(&credentials.user_id)?
                .map_or(Role::Customer, |state| state.role);
            return Ok(CreateAdminOutcome::AlreadyExists(role));
        }
        let password = Password::parse_admin(password, &email)
            .map_err(|e| CreateAdminError::Invalid(ValidationErrors::single("password", e)))?;
        let new_user = NewUser {
            email,
            password_hash: self.ports.hasher.hash(&password)?,
            role: Role::Admin,
            full_name: None,
            phone: None,
            vendor: None,
            at: self.ports.clock.now(),
        };
        match self.ports.repository.create_user(&new_user) {
            Ok(account) => Ok(CreateAdminOutcome::Created(account.user.id)),
            // Lost a race with another create-admin for the same address.
            Err(CreateUserError::EmailTaken) => Ok(CreateAdminOutcome::AlreadyExists(Role::Admin)),
            Err(CreateUserError::SlugTaken) => Err(CreateAdminError::Store(
                StoreError::unexpected("admin accounts have no vendor slug"),
            )),
            Err(CreateUserError::Store(error)) => Err(CreateAdminError::Store(error)),
        }
    }

    fn open_session(&self, account: UserAccount) -> Result<Session, StoreError> {
        let now = self.ports.clock.now();
        let user = &account.user;
        let token_version = self
            .ports
            .repository
            .auth_state(&user.id)?
            .map_or(0, |state| state.token_version);
        let claims = self
            .policy
            .access_claims(&user.id, user.role, token_version, now);
        let access_token = self.ports.codec.encode(&claims)?;
        let refresh_token = self.ports.secrets.generate();
        self.ports.repository.start_refresh_family(
            &user.id,
            &NewRefreshToken {
                token_hash: self.ports.secrets.hash(&refresh_token),
                expires_at: self.policy.refresh_expiry(now),
                created_at: now,
            },
        )?;
        Ok(Session {
            account,
            access_token,
            refresh_token,
            expires_in: self.policy.access_ttl.num_seconds(),
        })
    }
}
