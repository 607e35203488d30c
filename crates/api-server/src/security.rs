//! Adapters for the accounts domain's security ports: argon2id password hashing, HS256 JWTs
//! and opaque refresh tokens.

use std::sync::Mutex;

use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
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
///
/// Each hash or verification needs 19 MiB of working memory. The hasher keeps up to `keep`
/// such buffers (the server's hashing cap, `blocking::HashingGate`) and lends them out, so
/// while logins queue no hash allocates: a fresh 19 MiB costs ~13 ms of page faults per hash
/// (docs/performance.md, "Memory under logins"). [`Argon2Hasher::release_memory`] frees them
/// when hashing goes idle, and the allocator (jemalloc) returns them to the system.
pub struct Argon2Hasher {
    argon2: Argon2<'static>,
    /// A hash of a random password, verified against when the account does not exist.
    dummy_hash: String,
    blocks: BlockPool,
}

impl Argon2Hasher {
    pub const MEMORY_KIB: u32 = 19 * 1024;
    pub const ITERATIONS: u32 = 2;
    pub const PARALLELISM: u32 = 1;

    /// A hasher that keeps the working memory of up to `keep` hashes for reuse.
    pub fn new(keep: usize) -> Result<Self, StoreError> {
        let params = Params::new(Self::MEMORY_KIB, Self::ITERATIONS, Self::PARALLELISM, None)
            .map_err(|e| StoreError::unexpected(e.to_string()))?;
        let mut hasher = Self {
            blocks: BlockPool::new(params.block_count(), keep),
            argon2: Argon2::new(Algorithm::Argon2id, Version::V0x13, params),
            dummy_hash: String::new(),
        };
        hasher.dummy_hash = hasher.hash_bytes(random_hex(16).as_bytes())?;
        // Nothing hashes until the first request: hold no memory meanwhile.
        hasher.release_memory();
        Ok(hasher)
    }

    fn hash_bytes(&self, password: &[u8]) -> Result<String, StoreError> {
        let failed = |e: argon2::password_hash::Error| StoreError::unexpected(e.to_string());
        let salt = SaltString::generate(&mut OsRng);
        let mut salt_bytes = [0u8; 64];
        let salt_bytes = salt.as_salt().decode_b64(&mut salt_bytes).map_err(failed)?;
        let params = self.argon2.params();
        let output_len = params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);
        let output = Output::init_with(output_len, |out| {
            self.blocks.with(params.block_count(), |blocks| {
                self.argon2
                    .hash_password_into_with_memory(password, salt_bytes, out, blocks)
            })?;
            Ok(())
        })
        .map_err(failed)?;
        let hash = PasswordHash {
            algorithm: Algorithm::Argon2id.ident(),
            version: Some(Version::V0x13.into()),
            params: ParamsString::try_from(params).map_err(failed)?,
            salt: Some(salt.as_salt()),
            hash: Some(output),
        };
        Ok(hash.to_string())
    }

    /// What `PasswordVerifier::verify_password` does, with the hasher's buffers. Parameters
    /// come from the stored hash, so hashes made with older settings still verify.
    fn matches(&self, candidate: &[u8], hash: &str) -> Result<bool, argon2::password_hash::Error> {
        let parsed = PasswordHash::new(hash)?;
        let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
            return Ok(false);
        };
        let algorithm = Algorithm::try_from(parsed.algorithm)?;
        let version = parsed
            .version
            .map(Version::try_from)
            .transpose()?
            .unwrap_or_default();
        let params = Params::try_from(&parsed)?;
        let blocks_needed = params.block_count();
        let argon2 = Argon2::new(algorithm, version, params);
        let mut salt_bytes = [0u8; 64];
        let salt_bytes = salt.decode_b64(&mut salt_bytes)?;
        let computed = Output::init_with(expected.len(), |out| {
            self.blocks.with(blocks_needed, |blocks| {
                argon2.hash_password_into_with_memory(candidate, salt_bytes, out, blocks)
            })?;
            Ok(())
        })?;
        // `Output`'s equality is constant-time.
        Ok(computed == expected)
    }
}

impl Argon2Hasher {
    /// Frees the kept buffers (a hash running now gives its own back afterwards).
    pub fn release_memory(&self) {
        self.blocks.clear();
    }

    /// Buffers kept for the next hashes.
    pub fn kept_buffers(&self) -> usize {
        self.blocks.kept()
    }
}

impl PasswordHasher for Argon2Hasher {
    fn hash(&self, password: &Password) -> Result<String, StoreError> {
        self.hash_bytes(password.expose().as_bytes())
    }

    fn verify(&self, candidate: &str, hash: &str) -> bool {
        self.matches(candidate.as_bytes(), hash).unwrap_or(false)
    }

    fn verify_dummy(&self, candidate: &str) {
        let _ = self.verify(candidate, &self.dummy_hash);
    }
}

/// Working memory for argon2, lent out and given back. Buffers of the current parameters'
/// size are kept (up to `keep`); any other size (a hash made with older parameters) is
/// allocated for the call and freed after it.
struct BlockPool {
    size: usize,
    keep: usize,
    free: Mutex<Vec<Vec<Block>>>,
}

impl BlockPool {
    fn new(size: usize, keep: usize) -> Self {
        Self {
            size,
            keep,
            free: Mutex::new(Vec::new()),
        }
    }

    fn with<R>(&self, size: usize, work: impl FnOnce(&mut [Block]) -> R) -> R {
        let lent = if size == self.size {
            self.free.lock().ok().and_then(|mut free| free.pop())
        } else {
            None
        };
        let mut blocks = lent.unwrap_or_else(|| vec![Block::default(); size]);
        let result = work(&mut blocks);
        if blocks.len() == self.size {
            if let Ok(mut free) = self.free.lock() {
                if free.len() < self.keep {
                    free.push(blocks);
                }
            }
        }
        result
    }

    fn clear(&self) {
        if let Ok(mut free) = self.free.lock() {
            free.clear();
        }
    }

    fn kept(&self) -> usize {
        self.free.lock().map_or(0, |free| free.len())
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
    use argon2::password_hash::PasswordVerifier;
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
        let hasher = Argon2Hasher::new(1).unwrap();
        let hash = hasher
            .hash(&Password::parse("correct horse", &[]).unwrap())
            .unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(hasher.verify("correct horse", &hash));
        assert!(!hasher.verify("wrong horse", &hash));
        // The argon2 crate's own verifier agrees (the PHC string is standard).
        let parsed = PasswordHash::new(&hash).unwrap();
        assert!(Argon2::default()
            .verify_password(b"correct horse", &parsed)
            .is_ok());
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

    #[test]
    fn hashes_made_with_other_parameters_still_verify() {
        use argon2::password_hash::PasswordHasher as _;
        let older = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8 * 1024, 3, 1, None).unwrap(),
        );
        let salt = SaltString::generate(&mut OsRng);
        let hash = older
            .hash_password(b"correct horse", &salt)
            .unwrap()
            .to_string();
        let hasher = Argon2Hasher::new(2).unwrap();
        assert!(hasher.verify("correct horse", &hash));
        assert!(!hasher.verify("correct horse!", &hash));
    }

    #[test]
    fn working_memory_is_reused_up_to_the_cap_and_released_on_request() {
        let hasher = std::sync::Arc::new(Argon2Hasher::new(2).unwrap());
        // The dummy hash made at start-up kept nothing.
        assert_eq!(hasher.kept_buffers(), 0);
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let hasher = hasher.clone();
                std::thread::spawn(move || hasher.verify_dummy("guess"))
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        assert!(hasher.kept_buffers() <= 2);
        hasher.release_memory();
        assert_eq!(hasher.kept_buffers(), 0);
        let hash = hasher
            .hash(&Password::parse("correct horse", &[]).unwrap())
            .unwrap();
        assert!(hasher.verify("correct horse", &hash));
        assert_eq!(hasher.kept_buffers(), 1);
    }
}
