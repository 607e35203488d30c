//! Adapters for the accounts domain's security ports: argon2id password hashing, HS256 JWTs
//! and opaque refresh tokens.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use domain_accounts::{
    AccessClaims, AccessTokenCodec, Password, PasswordHasher, RefreshTokenSecrets, TokenDecodeError,
};
use domain_core::StoreError;
use jsonwebtoken::{DecodingKey, EncodingKey, Header, Validation};
use sha2::{Digest, Sha256};

/// `n` random bytes from the operating system, hex-encoded.
pub fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// argon2id with OWASP's minimum parameters: 19 MiB of memory, 2 passes, 1 lane.
pub struct Argon2Hasher {
    argon2: Argon2<'static>,
    /// A hash of a random password, verified against when the account does not exist.
    dummy_hash: String,
}

impl Argon2Hasher {
    pub const MEMORY_KIB: u32 = 19 * 1024;
    pub const ITERATIONS: u32 = 2;
    pub const PARALLELISM: u32 = 1;

    pub fn new() -> Result<Self, StoreError> {
        let params = Params::new(Self::MEMORY_KIB, Self::ITERATIONS, Self::PARALLELISM, None)
            .map_err(|e| StoreError::unexpected(e.to_string()))?;
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let salt = SaltString::generate(&mut OsRng);
        let dummy_hash = argon2
            .hash_password(random_hex(16).as_bytes(), &salt)
            .map_err(|e| StoreError::unexpected(e.to_string()))?
            .to_string();
        Ok(Self { argon2, dummy_hash })
    }
}

impl PasswordHasher for Argon2Hasher {
    fn hash(&self, password: &Password) -> Result<String, StoreError> {
        let salt = SaltString::generate(&mut OsRng);
        self.argon2
            .hash_password(password.expose().as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| StoreError::unexpected(e.to_string()))
    }

    fn verify(&self, candidate: &str, hash: &str) -> bool {
        // Parameters come from the stored hash, so hashes made with older settings still verify.
        PasswordHash::new(hash).is_ok_and(|parsed| {
            self.argon2
                .verify_password(candidate.as_bytes(), &parsed)
                .is_ok()
        })
    }

    fn verify_dummy(&self, candidate: &str) {
        let _ = self.verify(candidate, &self.dummy_hash);
    }
}

/// HS256 access tokens keyed by `JWT_SECRET` (its UTF-8 bytes), so other services holding
/// the secret can verify them. The algorithm is pinned; `exp`, `iss`, `aud` and `sub` are
/// required and `iss`/`aud` must match.
pub struct JwtCodec {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl JwtCodec {
    pub fn new(secret: &str, issuer: &str, audience: &str) -> Self {
        let mut validation = Validation::new(jsonwebtoken::Algorithm::HS256);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 0;
        Self {
            encoding: EncodingKey::from_secret(secret.as_bytes()),
            decoding: DecodingKey::from_secret(secret.as_bytes()),
            validation,
        }
    }
}

impl AccessTokenCodec for JwtCodec {
    fn encode(&self, claims: &AccessClaims) -> Result<String, StoreError> {
        jsonwebtoken::encode(
            &Header::new(jsonwebtoken::Algorithm::HS256),
            claims,
            &self.encoding,
        )
        .map_err(|e| StoreError::unexpected(e.to_string()))
    }

    fn decode(&self, token: &str) -> Result<AccessClaims, TokenDecodeError> {
        jsonwebtoken::decode::<AccessClaims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|e| TokenDecodeError(format!("{:?}", e.kind())))
    }
}

/// 256-bit random refresh tokens; stored as SHA-256 hex (the tokens are high-entropy, so a
/// fast hash is enough and lets the store look them up).
pub struct RandomRefreshTokens;

impl RefreshTokenSecrets for RandomRefreshTokens {
    fn generate(&self) -> String {
        random_hex(32)
    }

    fn hash(&self, token: &str) -> String {
        hex::encode(Sha256::digest(token.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, Utc};
    use domain_accounts::{Role, TokenPolicy, UserId};

    fn policy() -> TokenPolicy {
        TokenPolicy {
            issuer: "watertrek".into(),
            audience: "watertrek-api".into(),
            access_ttl: Duration::minutes(15),
            refresh_ttl: Duration::days(30),
        }
    }

    #[test]
    fn argon2id_hashes_use_owasp_parameters_and_verify() {
        let hasher = Argon2Hasher::new().unwrap();
        let hash = hasher
            .hash(&Password::parse("correct horse", &[]).unwrap())
            .unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(hasher.verify("correct horse", &hash));
        assert!(!hasher.verify("wrong horse", &hash));
        assert!(!hasher.verify("correct horse", "not a hash"));
    }

    #[test]
    fn jwts_round_trip_and_reject_tampering_and_wrong_audience() {
        let codec = JwtCodec::new(&"k".repeat(32), "watertrek", "watertrek-api");
        let claims = policy().access_claims(&UserId("u1".into()), Role::Vendor, 2, Utc::now());
        let token = codec.encode(&claims).unwrap();
        assert_eq!(codec.decode(&token).unwrap(), claims);

        let mut tampered = token.clone();
        tampered.pop();
        tampered.push(if token.ends_with('A') { 'B' } else { 'A' });
        assert!(codec.decode(&tampered).is_err());

        let other_key = JwtCodec::new(&"z".repeat(32), "watertrek", "watertrek-api");
        assert!(other_key.decode(&token).is_err());

        let other_audience = JwtCodec::new(&"k".repeat(32), "watertrek", "billing");
        assert!(other_audience.decode(&token).is_err());
    }

    #[test]
    fn expired_jwts_are_rejected() {
        let codec = JwtCodec::new(&"k".repeat(32), "watertrek", "watertrek-api");
        let claims = policy().access_claims(
            &UserId("u1".into()),
            Role::Vendor,
            0,
            Utc::now() - Duration::minutes(16),
        );
        assert!(codec.decode(&codec.encode(&claims).unwrap()).is_err());
    }

    #[test]
    fn jwts_signed_with_another_algorithm_are_rejected() {
        let codec = JwtCodec::new(&"k".repeat(32), "watertrek", "watertrek-api");
        let claims = policy().access_claims(&UserId("u1".into()), Role::Vendor, 0, Utc::now());
        let hs512 = jsonwebtoken::encode(
            &Header::new(jsonwebtoken::Algorithm::HS512),
            &claims,
            &EncodingKey::from_secret("k".repeat(32).as_bytes()),
        )
        .unwrap();
        assert!(codec.decode(&hs512).is_err());
    }

    #[test]
    fn refresh_tokens_are_random_and_hashed_deterministically() {
        let tokens = RandomRefreshTokens;
        let (a, b) = (tokens.generate(), tokens.generate());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(tokens.hash(&a), tokens.hash(&a));
        assert_ne!(tokens.hash(&a), a);
    }
}
