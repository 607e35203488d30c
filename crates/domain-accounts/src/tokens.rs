//! Token rules: what an access token claims, how long tokens live, when a refresh token works.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::model::{AuthState, UserId};
use crate::values::Role;

/// The `typ` claim of access tokens. A JWT signed with the same key for another purpose never
/// carries it, so it cannot be used as an access token.
pub const ACCESS_TOKEN_TYPE: &str = "access";

/// The claims of an access token (a JWT signed with HS256).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    /// The user id.
    pub sub: String,
    pub role: Role,
    pub iss: String,
    pub aud: String,
    /// Issued at, seconds since the epoch.
    pub iat: i64,
    /// Expires at, seconds since the epoch.
    pub exp: i64,
    /// Always [`ACCESS_TOKEN_TYPE`].
    pub typ: String,
    /// The account's token version when issued; a password change bumps it.
    pub ver: i64,
}

/// Lifetimes and the issuer/audience names of tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenPolicy {
    pub issuer: String,
    pub audience: String,
    pub access_ttl: Duration,
    pub refresh_ttl: Duration,
}

impl TokenPolicy {
    pub const DEFAULT_ISSUER: &'static str = "watertrek";
    pub const DEFAULT_AUDIENCE: &'static str = "watertrek-api";

    /// The claims of a new access token for `user` at `now`.
    pub fn access_claims(
        &self,
        user: &UserId,
        role: Role,
        token_version: i64,
        now: DateTime<Utc>,
    ) -> AccessClaims {
        AccessClaims {
            sub: user.0.clone(),
            role,
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            iat: now.timestamp(),
            exp: (now + self.access_ttl).timestamp(),
            typ: ACCESS_TOKEN_TYPE.to_owned(),
            ver: token_version,
        }
    }

    pub fn refresh_expiry(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now + self.refresh_ttl
    }
}

/// Why an access token is not accepted (beyond what the codec checks: signature, algorithm,
/// `exp`, `iss`, `aud`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClaimsRejection {
    #[error("not an access token")]
    WrongType,
    #[error("token expired")]
    Expired,
    #[error("token was issued by another issuer or for another audience")]
    WrongIssuerOrAudience,
    #[error("account unknown or disabled")]
    AccountInactive,
    #[error("token was revoked by a password change")]
    Revoked,
}

impl AccessClaims {
    /// Checks the claims against the policy and the account as stored now. The role comes
    /// from the store, not the token, so a role change takes effect at once.
    pub fn judge(
        &self,
        policy: &TokenPolicy,
        account: Option<&AuthState>,
        now: DateTime<Utc>,
    ) -> Result<Role, ClaimsRejection> {
        if self.typ != ACCESS_TOKEN_TYPE {
            return Err(ClaimsRejection::WrongType);
        }
        if self.iss != policy.issuer || self.aud != policy.audience {
            return Err(ClaimsRejection::WrongIssuerOrAudience);
        }
        if self.exp <= now.timestamp() {
            return Err(ClaimsRejection::Expired);
        }
        let account = account
            .filter(|account| account.is_active)
            .ok_or(ClaimsRejection::AccountInactive)?;
        if account.token_version != self.ver {
            return Err(ClaimsRejection::Revoked);
        }
        Ok(account.role)
    }
}

/// A stored refresh token (only its hash is stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshTokenRecord {
    pub id: String,
    pub user_id: UserId,
    /// Every token rotated from one login shares the family.
    pub family_id: String,
    pub expires_at: DateTime<Utc>,
    /// Set when the token was exchanged for a new one.
    pub used_at: Option<DateTime<Utc>>,
    /// Set by logout, a password change or reuse detection.
    pub revoked_at: Option<DateTime<Utc>>,
    /// Whether the account may still log in.
    pub user_active: bool,
}

/// What presenting a refresh token leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshVerdict {
    /// Exchange it for a new pair and mark it used.
    Rotate,
    /// It was used before: someone replayed it. Revoke the whole family.
    Reused,
    /// Expired, revoked or the account is disabled: refuse, change nothing.
    Refuse,
}

impl RefreshTokenRecord {
    pub fn judge(&self, now: DateTime<Utc>) -> RefreshVerdict {
        if self.used_at.is_some() {
            RefreshVerdict::Reused
        } else if self.revoked_at.is_some() || self.expires_at <= now || !self.user_active {
            RefreshVerdict::Refuse
        } else {
            RefreshVerdict::Rotate
        }
    }
}

/// A refresh token to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRefreshToken {
    pub token_hash: String,
    pub expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn policy() -> TokenPolicy {
        TokenPolicy {
            issuer: "watertrek".into(),
            audience: "watertrek-api".into(),
            access_ttl: Duration::minutes(15),
            refresh_ttl: Duration::days(30),
        }
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap()
    }

    fn state(version: i64) -> AuthState {
        AuthState {
            role: Role::Vendor,
            is_active: true,
            token_version: version,
        }
    }

    #[test]
    fn access_claims_carry_type_version_and_lifetime() {
        let claims = policy().access_claims(&UserId("u1".into()), Role::Vendor, 3, now());
        assert_eq!(claims.typ, ACCESS_TOKEN_TYPE);
        assert_eq!(claims.ver, 3);
        assert_eq!(claims.exp - claims.iat, 15 * 60);
        assert_eq!(claims.sub, "u1");
    }

    #[test]
    fn valid_claims_yield_the_stored_role() {
        let claims = policy().access_claims(&UserId("u1".into()), Role::Customer, 0, now());
        let role = claims.judge(&policy(), Some(&state(0)), now()).unwrap();
        assert_eq!(role, Role::Vendor);
    }

    #[test]
    fn claims_are_rejected_for_each_reason() {
        let policy = policy();
        let claims = policy.access_claims(&UserId("u1".into()), Role::Customer, 0, now());
        let later = now() + Duration::minutes(15);
        assert_eq!(
            claims.judge(&policy, Some(&state(0)), later),
            Err(ClaimsRejection::Expired)
        );
        assert_eq!(
            claims.judge(&policy, Some(&state(1)), now()),
            Err(ClaimsRejection::Revoked)
        );
        assert_eq!(
            claims.judge(&policy, None, now()),
            Err(ClaimsRejection::AccountInactive)
        );
        let inactive = AuthState {
            is_active: false,
            ..state(0)
        };
        assert_eq!(
            claims.judge(&policy, Some(&inactive), now()),
            Err(ClaimsRejection::AccountInactive)
        );
        let mut other = claims.clone();
        other.typ = "refresh".into();
        assert_eq!(
            other.judge(&policy, Some(&state(0)), now()),
            Err(ClaimsRejection::WrongType)
        );
        let mut other = claims.clone();
        other.aud = "billing".into();
        assert_eq!(
            other.judge(&policy, Some(&state(0)), now()),
            Err(ClaimsRejection::WrongIssuerOrAudience)
        );
    }

    fn record() -> RefreshTokenRecord {
        RefreshTokenRecord {
            id: "t1".into(),
            user_id: UserId("u1".into()),
            family_id: "f1".into(),
            expires_at: now() + Duration::days(1),
            used_at: None,
            revoked_at: None,
            user_active: true,
        }
    }

    #[test]
    fn a_fresh_refresh_token_rotates() {
        assert_eq!(record().judge(now()), RefreshVerdict::Rotate);
    }

    #[test]
    fn a_used_refresh_token_is_reuse_even_when_expired_or_revoked() {
        let used = RefreshTokenRecord {
            used_at: Some(now()),
            revoked_at: Some(now()),
            expires_at: now() - Duration::days(1),
            ..record()
        };
        assert_eq!(used.judge(now()), RefreshVerdict::Reused);
    }

    #[test]
    fn expired_revoked_or_disabled_refresh_tokens_are_refused() {
        let expired = RefreshTokenRecord {
            expires_at: now(),
            ..record()
        };
        assert_eq!(expired.judge(now()), RefreshVerdict::Refuse);
        let revoked = RefreshTokenRecord {
            revoked_at: Some(now()),
            ..record()
        };
        assert_eq!(revoked.judge(now()), RefreshVerdict::Refuse);
        let disabled = RefreshTokenRecord {
            user_active: false,
            ..record()
        };
        assert_eq!(disabled.judge(now()), RefreshVerdict::Refuse);
    }
}
