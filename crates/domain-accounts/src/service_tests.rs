//! Service tests with mockall doubles of every port.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use domain_core::MockClock;
use mockall::predicate::eq;

use crate::*;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 9, 30, 0).unwrap()
}

fn policy() -> TokenPolicy {
    TokenPolicy {
        issuer: "watertrek".into(),
        audience: "watertrek-api".into(),
        access_ttl: Duration::minutes(15),
        refresh_ttl: Duration::days(30),
    }
}

struct Doubles {
    repository: MockAccountRepository,
    hasher: MockPasswordHasher,
    codec: MockAccessTokenCodec,
    secrets: MockRefreshTokenSecrets,
}

impl Doubles {
    fn new() -> Self {
        let mut secrets = MockRefreshTokenSecrets::new();
        secrets.expect_generate().returning(|| "fresh-token".into());
        secrets
            .expect_hash()
            .returning(|token| format!("hash:{token}"));
        let mut codec = MockAccessTokenCodec::new();
        codec
            .expect_encode()
            .returning(|claims| Ok(format!("jwt:{}:{}", claims.sub, claims.ver)));
        Self {
            repository: MockAccountRepository::new(),
            hasher: MockPasswordHasher::new(),
            codec,
            secrets,
        }
    }

    fn service(self) -> AccountService {
        let mut clock = MockClock::new();
        clock.expect_now().returning(now);
        AccountService::new(
            AccountPorts {
                repository: Arc::new(self.repository),
                hasher: Arc::new(self.hasher),
                codec: Arc::new(self.codec),
                secrets: Arc::new(self.secrets),
                clock: Arc::new(clock),
            },
            policy(),
            LoginThrottle {
                max_failures: 3,
                window: Duration::minutes(15),
            },
        )
    }
}

fn account(id: &str, role: Role) -> UserAccount {
    UserAccount {
        user: User {
            id: UserId(id.into()),
            email: format!("{id}@example.com"),
            role,
            full_name: None,
            phone: None,
            is_active: true,
            created_at: now(),
            updated_at: now(),
        },
        vendor_profile: None,
        customer_profile: None,
    }
}

fn state(role: Role, version: i64) -> AuthState {
    AuthState {
        role,
        is_active: true,
        token_version: version,
    }
}

fn credentials(id: &str) -> Credentials {
    Credentials {
        user_id: UserId(id.into()),
        password_hash: "stored-hash".into(),
        is_active: true,
    }
}

fn principal(role: Role) -> Principal {
    Principal {
        user_id: UserId("u1".into()),
        role,
    }
}

#[test]
fn registering_hashes_the_password_stores_the_user_and_opens_a_session() {
    let mut doubles = Doubles::new();
    doubles
        .hasher
        .expect_hash()
        .withf(|password| password.expose() == "long enough phrase")
        .returning(|_| Ok("argon-hash".into()));
    doubles
        .repository
        .expect_create_user()
        .withf(|user| {
            user.password_hash == "argon-hash"
                && user.email.as_str() == "ana@example.com"
                && user.role == Role::Customer
        })
        .times(1)
        .returning(|_| Ok(account("u1", Role::Customer)));
    doubles
        .repository
        .expect_auth_state()
        .returning(|_| Ok(Some(state(Role::Customer, 0))));
    doubles
        .repository
        .expect_start_refresh_family()
        .withf(|user, token| {
            user.0 == "u1"
                && token.token_hash == "hash:fresh-token"
                && token.expires_at == now() + Duration::days(30)
        })
        .times(1)
        .returning(|_, _| Ok(()));
    let session = doubles
        .service()
        .register(RegisterInput {
            email: " Ana@Example.com".into(),
            password: "long enough phrase".into(),
            role: "customer".into(),
            ..RegisterInput::default()
        })
        .unwrap();
    assert_eq!(session.access_token, "jwt:u1:0");
    assert_eq!(session.refresh_token, "fresh-token");
    assert_eq!(session.expires_in, 900);
}

#[test]
fn invalid_registrations_touch_no_port() {
    let service = Doubles::new().service();
    let error = service
        .register(RegisterInput {
            email: "x".into(),
            password: "y".into(),
            role: "admin".into(),
            ..RegisterInput::default()
        })
        .unwrap_err();
    assert!(matches!(error, RegisterError::Invalid(errors) if errors.get("role").is_some()));
}

#[test]
fn a_taken_derived_slug_gets_a_numeric_suffix() {
    let mut doubles = Doubles::new();
    doubles.hasher.expect_hash().returning(|_| Ok("h".into()));
    doubles
        .repository
        .expect_vendor_slug_exists()
        .returning(|slug| Ok(matches!(slug.as_str(), "blue-lagoon" | "blue-lagoon-2")));
    doubles
        .repository
        .expect_create_user()
        .withf(|user| {
            user.vendor
                .as_ref()
                .is_some_and(|v| v.slug.as_str() == "blue-lagoon-3")
        })
        .times(1)
        .returning(|_| Ok(account("u1", Role::Vendor)));
    doubles
        .repository
        .expect_auth_state()
        .returning(|_| Ok(None));
    doubles
        .repository
        .expect_start_refresh_family()
        .returning(|_, _| Ok(()));
    doubles
        .service()
        .register(RegisterInput {
            email: "shop@example.com".into(),
            password: "long enough phrase".into(),
            role: "vendor".into(),
            vendor: Some(VendorInput {
                business_name: "Blue Lagoon".into(),
                ..VendorInput::default()
            }),
            ..RegisterInput::default()
        })
        .unwrap();
}

#[test]
fn a_duplicate_email_is_reported_as_such() {
    let mut doubles = Doubles::new();
    doubles.hasher.expect_hash().returning(|_| Ok("h".into()));
    doubles
        .repository
        .expect_create_user()
        .returning(|_| Err(CreateUserError::EmailTaken));
    let error = doubles
        .service()
        .register(RegisterInput {
            email: "ana@example.com".into(),
            password: "long enough phrase".into(),
            role: "customer".into(),
            ..RegisterInput::default()
        })
        .unwrap_err();
    assert!(matches!(error, RegisterError::EmailTaken));
}

#[test]
fn login_with_an_unknown_email_does_dummy_work_and_records_a_failure() {
    let mut doubles = Doubles::new();
    doubles
        .repository
        .expect_recent_login_failures()
        .returning(|_, _| Ok(vec![]));
    doubles
        .repository
        .expect_find_credentials()
        .returning(|_| Ok(None));
    doubles
        .hasher
        .expect_verify_dummy()
        .times(1)
        .return_const(());
    doubles
        .repository
        .expect_record_login_failure()
        .with(
            eq(Email::parse("ghost@example.com").unwrap()),
            eq(now()),
            eq(now() - Duration::minutes(15)),
        )
        .times(1)
        .returning(|_, _, _| Ok(()));
    let error = doubles
        .service()
        .login("ghost@example.com", "whatever1")
        .unwrap_err();
    assert!(matches!(error, LoginError::InvalidCredentials));
}

#[test]
fn login_with_a_wrong_password_records_a_failure() {
    let mut doubles = Doubles::new();
    doubles
        .repository
        .expect_recent_login_failures()
        .returning(|_, _| Ok(vec![]));
    doubles
        .repository
        .expect_find_credentials()
        .returning(|_| Ok(Some(credentials("u1"))));
    doubles
        .hasher
        .expect_verify()
        .with(eq("wrong-password"), eq("stored-hash"))
        .returning(|_, _| false);
    doubles
        .repository
        .expect_record_login_failure()
        .times(1)
        .returning(|_, _, _| Ok(()));
    let error = doubles
        .service()
        .login("u1@example.com", "wrong-password")
        .unwrap_err();
    assert!(matches!(error, LoginError::InvalidCredentials));
}

#[test]
fn login_is_throttled_after_too_many_failures_without_checking_the_password() {
    let mut doubles = Doubles::new();
    let oldest = now() - Duration::minutes(10);
    doubles
        .repository
        .expect_recent_login_failures()
        .returning(move |_, _| Ok(vec![oldest, oldest, oldest]));
    doubles.hasher.expect_verify().never();
    let error = doubles
        .service()
        .login("u1@example.com", "right-password")
        .unwrap_err();
    match error {
        LoginError::TooManyAttempts { retry_after } => {
            assert_eq!(retry_after, Duration::minutes(5));
        }
        other => panic!("expected throttling, got {other:?}"),
    }
}

#[test]
fn a_successful_login_clears_earlier_failures() {
    let mut doubles = Doubles::new();
    doubles
        .repository
        .expect_recent_login_failures()
        .returning(|_, _| Ok(vec![now() - Duration::minutes(1)]));
    doubles
        .repository
        .expect_find_credentials()
        .returning(|_| Ok(Some(credentials("u1"))));
    doubles.hasher.expect_verify().returning(|_, _| true);
    doubles
        .repository
        .expect_clear_login_failures()
        .times(1)
        .returning(|_| Ok(()));
    doubles
        .repository
        .expect_find_account()
        .returning(|_| Ok(Some(account("u1", Role::Customer))));
    doubles
        .repository
        .expect_auth_state()
        .returning(|_| Ok(Some(state(Role::Customer, 2))));
    doubles
        .repository
        .expect_start_refresh_family()
        .returning(|_, _| Ok(()));
    let session = doubles
        .service()
        .login("U1@example.com", "right-password")
        .unwrap();
    assert_eq!(session.access_token, "jwt:u1:2");
}

#[test]
fn a_disabled_account_cannot_log_in() {
    let mut doubles = Doubles::new();
    doubles
        .repository
        .expect_recent_login_failures()
        .returning(|_, _| Ok(vec![]));
    doubles.repository.expect_find_credentials().returning(|_| {
        Ok(Some(Credentials {
            is_active: false,
            ..credentials("u1")
        }))
    });
    doubles.hasher.expect_verify().returning(|_, _| true);
    doubles
        .repository
        .expect_record_login_failure()
        .returning(|_, _, _| Ok(()));
    let error = doubles
        .service()
        .login("u1@example.com", "right-password")
        .unwrap_err();
    assert!(matches!(error, LoginError::InvalidCredentials));
}

#[test]
fn refresh_rotates_into_a_new_pair() {
    let mut doubles = Doubles::new();
    doubles
        .repository
        .expect_rotate_refresh_token()
        .withf(|presented, replacement, at| {
            presented == "hash:old-token"
                && replacement.token_hash == "hash:fresh-token"
                && *at == now()
        })
        .returning(|_, _, _| {
            Ok(RotateOutcome::Rotated {
                user_id: UserId("u1".into()),
                role: Role::Vendor,
                token_version: 4,
            })
        });
    let tokens = doubles.service().refresh("old-token").unwrap();
    assert_eq!(tokens.access_token, "jwt:u1:4");
    assert_eq!(tokens.refresh_token, "fresh-token");
}

#[test]
fn refresh_reports_reuse_and_refusal() {
    let mut doubles = Doubles::new();
    doubles
        .repository
        .expect_rotate_refresh_token()
        .returning(|presented, _, _| {
            Ok(if presented == "hash:used" {
                RotateOutcome::Reused
            } else {
                RotateOutcome::Refused
            })
        });
    let service = doubles.service();
    assert!(matches!(service.refresh("used"), Err(RefreshError::Reused)));
    assert!(matches!(
        service.refresh("unknown"),
        Err(RefreshError::Invalid)
    ));
}

#[test]
fn authenticate_rejects_tokens_from_before_a_password_change() {
    let mut doubles = Doubles::new();
    doubles
        .codec
        .expect_decode()
        .returning(|_| Ok(policy().access_claims(&UserId("u1".into()), Role::Customer, 1, now())));
    doubles
        .repository
        .expect_auth_state()
        .returning(|_| Ok(Some(state(Role::Customer, 2))));
    let error = doubles.service().authenticate("token").unwrap_err();
    assert!(matches!(error, AuthError::Rejected(reason) if reason.contains("password change")));
}

#[test]
fn authenticate_passes_on_codec_rejections() {
    let mut doubles = Doubles::new();
    doubles
        .codec
        .expect_decode()
        .returning(|_| Err(TokenDecodeError("InvalidSignature".into())));
    doubles.repository.expect_auth_state().never();
    assert!(matches!(
        doubles.service().authenticate("tampered"),
        Err(AuthError::Rejected(_))
    ));
}

#[test]
fn changing_the_password_needs_the_current_one() {
    let mut doubles = Doubles::new();
    doubles
        .repository
        .expect_find_account()
        .returning(|id| Ok(Some(account(&id.0, Role::Customer))));
    doubles
        .repository
        .expect_find_password_hash()
        .returning(|_| Ok(Some("stored-hash".into())));
    doubles.hasher.expect_verify().returning(|_, _| false);
    doubles.repository.expect_change_password().never();
    let error = doubles
        .service()
        .change_password(&principal(Role::Customer), "guess", "new password 1")
        .unwrap_err();
    assert!(
        matches!(error, ChangePasswordError::Invalid(errors) if errors.get("current_password").is_some())
    );
}

#[test]
fn changing_the_password_stores_the_new_hash() {
    let mut doubles = Doubles::new();
    doubles
        .repository
        .expect_find_account()
        .returning(|id| Ok(Some(account(&id.0, Role::Customer))));
    doubles
        .repository
        .expect_find_password_hash()
        .returning(|_| Ok(Some("stored-hash".into())));
    doubles.hasher.expect_verify().returning(|_, _| true);
    doubles
        .hasher
        .expect_hash()
        .returning(|_| Ok("new-hash".into()));
    doubles
        .repository
        .expect_change_password()
        .withf(|user, hash, at| user.0 == "u1" && hash == "new-hash" && *at == now())
        .times(1)
        .returning(|_, _, _| Ok(()));
    doubles
        .service()
        .change_password(&principal(Role::Customer), "old password", "new password 1")
        .unwrap();
}

#[test]
fn a_new_password_that_is_common_or_built_from_the_account_is_refused() {
    for (new, why) in [
        ("12345678", "common"),
        ("qwertyuiop", "keyboard pattern"),
        ("Password123!", "a common password with decorations"),
        ("anabelalima2026", "the account's own name"),
        ("anabela.lima@example.com", "the account's e-mail address"),
    ] {
        let mut doubles = Doubles::new();
        doubles.repository.expect_find_account().returning(|id| {
            let mut account = account(&id.0, Role::Customer);
            account.user.email = "anabela.lima@example.com".into();
            account.user.full_name = Some("Anabela Lima".into());
            Ok(Some(account))
        });
        doubles
            .repository
            .expect_find_password_hash()
            .returning(|_| Ok(Some("stored-hash".into())));
        doubles.hasher.expect_verify().returning(|_, _| true);
        doubles.hasher.expect_hash().never();
        doubles.repository.expect_change_password().never();
        let error = doubles
            .service()
            .change_password(&principal(Role::Customer), "old password", new)
            .unwrap_err();
        assert!(
            matches!(&error, ChangePasswordError::Invalid(errors)
                if errors.get("new_password") == Some(&[Password::TOO_GUESSABLE.to_owned()][..])),
            "{new:?} ({why}): {error:?}"
        );
    }
}

#[test]
fn profiles_of_another_role_are_refused() {
    let service = Doubles::new().service();
    assert!(matches!(
        service.vendor_profile(&principal(Role::Customer)),
        Err(ProfileError::WrongRole)
    ));
    assert!(matches!(
        service.customer_profile(&principal(Role::Vendor)),
        Err(ProfileError::WrongRole)
    ));
    assert!(matches!(
        service.update_vendor_profile(&principal(Role::Admin), &VendorProfilePatchInput::default()),
        Err(ProfileError::WrongRole)
    ));
}

#[test]
fn create_admin_leaves_an_existing_account_alone() {
    let mut doubles = Doubles::new();
    doubles
        .repository
        .expect_find_credentials()
        .returning(|_| Ok(Some(credentials("u1"))));
    doubles
        .repository
        .expect_auth_state()
        .returning(|_| Ok(Some(state(Role::Admin, 0))));
    doubles.repository.expect_create_user().never();
    let outcome = doubles
        .service()
        .create_admin("u1@example.com", "irrelevant")
        .unwrap();
    assert_eq!(outcome, CreateAdminOutcome::AlreadyExists(Role::Admin));
}

#[test]
fn create_admin_refuses_weak_passwords_and_creates_strong_ones() {
    let mut doubles = Doubles::new();
    doubles
        .repository
        .expect_find_credentials()
        .returning(|_| Ok(None));
    doubles.hasher.expect_hash().returning(|_| Ok("h".into()));
    doubles
        .repository
        .expect_create_user()
        .withf(|user| user.role == Role::Admin)
        .times(1)
        .returning(|_| Ok(account("a1", Role::Admin)));
    let service = doubles.service();
    assert!(matches!(
        service.create_admin("ops@example.com", "password"),
        Err(CreateAdminError::Invalid(_))
    ));
    // Long and mixed enough for the admin rules, but a common password made fancier.
    assert!(matches!(
        service.create_admin("ops@example.com", "Password1234!"),
        Err(CreateAdminError::Invalid(errors))
            if errors.get("password") == Some(&[Password::TOO_GUESSABLE.to_owned()][..])
    ));
    assert_eq!(
        service
            .create_admin("ops@example.com", "Tide-Chart-2026")
            .unwrap(),
        CreateAdminOutcome::Created(UserId("a1".into()))
    );
}
