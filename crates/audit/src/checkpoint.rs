//! Signed checkpoints: the chain's head (sequence number and hash) signed with an
//! Ed25519 key kept off the database server. Kept elsewhere, a checkpoint proves the
//! log once reached that event with that hash, which catches a cut-off tail or a
//! chain rebuilt from scratch — things a hash chain alone cannot show.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;

use chrono::{DateTime, SubsecRound, Utc};
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{
    DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey, KeypairBytes,
};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};

use crate::canonical::{canonical_time, decode_hash};
use crate::{AuditError, verify};

pub const CHECKPOINT_FORMAT: &str = "casework-audit-checkpoint-v1";

/// A checkpoint as written to its JSON file. The signature (hex) is over
/// [`Checkpoint::message`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub format: String,
    pub seq: i64,
    pub hash: String,
    pub time: DateTime<Utc>,
    pub signature: String,
}

/// A checkpoint whose signature has been checked: the only kind `verify` accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedCheckpoint {
    seq: i64,
    hash: String,
    time: DateTime<Utc>,
}

impl VerifiedCheckpoint {
    pub fn seq(&self) -> i64 {
        self.seq
    }
    pub fn hash(&self) -> &str {
        &self.hash
    }
    pub fn time(&self) -> DateTime<Utc> {
        self.time
    }
}

impl Checkpoint {
    /// The signed bytes, one line each: format, seq, hash, time (no trailing newline).
    pub fn message(format: &str, seq: i64, hash: &str, time: DateTime<Utc>) -> Vec<u8> {
        format!("{format}\n{seq}\n{hash}\n{}", canonical_time(time)).into_bytes()
    }

    fn sign(seq: i64, hash: String, key: &SigningKey) -> Self {
        let time = Utc::now().trunc_subsecs(6);
        let signature = key.sign(&Self::message(CHECKPOINT_FORMAT, seq, &hash, time));
        Self {
            format: CHECKPOINT_FORMAT.into(),
            seq,
            hash,
            time,
            signature: hex::encode(signature.to_bytes()),
        }
    }

    /// Checks the signature; only then may the checkpoint be trusted.
    pub fn verify(&self, key: &VerifyingKey) -> Result<VerifiedCheckpoint, AuditError> {
        if self.format != CHECKPOINT_FORMAT {
            return Err(AuditError::Checkpoint(format!(
                "unknown format {:?}",
                self.format
            )));
        }
        let bytes = hex::decode(&self.signature)
            .map_err(|_| AuditError::Checkpoint("signature is not hex".into()))?;
        let signature = Signature::from_slice(&bytes)
            .map_err(|_| AuditError::Checkpoint("signature is not 64 bytes".into()))?;
        let message = Self::message(&self.format, self.seq, &self.hash, self.time);
        key.verify_strict(&message, &signature)
            .map_err(|_| AuditError::BadSignature)?;
        if self.seq < 0 || decode_hash(&self.hash).is_none() {
            return Err(AuditError::Checkpoint("seq or hash malformed".into()));
        }
        Ok(VerifiedCheckpoint {
            seq: self.seq,
            hash: self.hash.clone(),
            time: self.time,
        })
    }

    pub fn to_json(&self) -> Result<String, AuditError> {
        Ok(serde_json::to_string_pretty(self)?)
    }

    pub fn from_json(text: &str) -> Result<Self, AuditError> {
        serde_json::from_str(text).map_err(|e| AuditError::Checkpoint(e.to_string()))
    }

    /// Writes the checkpoint to a new file; an existing file is never replaced.
    pub fn write_new(&self, path: &Path) -> Result<(), AuditError> {
        write_new_file(path, format!("{}\n", self.to_json()?).as_bytes(), false)
    }
}

/// Verifies the whole chain and signs its head. Refuses to sign a broken chain.
pub async fn checkpoint<C: ConnectionTrait>(
    conn: &C,
    key: &SigningKey,
) -> Result<Checkpoint, AuditError> {
    let report = verify(conn, None).await?;
    if let Some(problem) = report.problem {
        return Err(AuditError::Broken(problem));
    }
    Ok(Checkpoint::sign(report.head_seq, report.head_hash, key))
}

/// Reads a checkpoint file and checks its signature with the public key file.
pub fn read_checkpoint(
    checkpoint_file: &Path,
    public_key_file: &Path,
) -> Result<VerifiedCheckpoint, AuditError> {
    let key = load_verifying_key(public_key_file)?;
    let text = std::fs::read_to_string(checkpoint_file)
        .map_err(|e| AuditError::file(checkpoint_file, e))?;
    let checkpoint =
        Checkpoint::from_json(&text).map_err(|e| AuditError::file(checkpoint_file, e))?;
    checkpoint.verify(&key)
}

/// Makes a new key pair: the private key as PKCS#8 PEM (mode 0600 on Unix), the
/// public key as SubjectPublicKeyInfo PEM, both readable by `openssl pkey`. Existing
/// files are never overwritten.
pub fn generate_keys(private_file: &Path, public_file: &Path) -> Result<(), AuditError> {
    for path in [private_file, public_file] {
        if path.exists() {
            return Err(AuditError::file(path, "already exists; not overwriting it"));
        }
    }
    let key = SigningKey::generate(&mut rand::rngs::OsRng);
    // PKCS#8 v1 (no public key inside): OpenSSL 3.0 rejects the v2 form.
    let secret = KeypairBytes {
        secret_key: key.to_bytes(),
        public_key: None,
    };
    let private_pem = secret
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|e| AuditError::file(private_file, e))?;
    let public_pem = key
        .verifying_key()
        .to_public_key_pem(LineEnding::LF)
        .map_err(|e| AuditError::file(public_file, e))?;
    write_new_file(private_file, private_pem.as_bytes(), true)?;
    write_new_file(public_file, public_pem.as_bytes(), false)
}

pub fn load_signing_key(path: &Path) -> Result<SigningKey, AuditError> {
    let pem = std::fs::read_to_string(path).map_err(|e| AuditError::file(path, e))?;
    SigningKey::from_pkcs8_pem(&pem)
        .map_err(|e| AuditError::file(path, format!("not an Ed25519 private key: {e}")))
}

pub fn load_verifying_key(path: &Path) -> Result<VerifyingKey, AuditError> {
    let pem = std::fs::read_to_string(path).map_err(|e| AuditError::file(path, e))?;
    VerifyingKey::from_public_key_pem(&pem)
        .map_err(|e| AuditError::file(path, format!("not an Ed25519 public key: {e}")))
}

fn write_new_file(path: &Path, bytes: &[u8], private: bool) -> Result<(), AuditError> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    let mut file = options.open(path).map_err(|e| AuditError::file(path, e))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| AuditError::file(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_sign_and_verify_and_tampering_is_caught() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let private = dir.path().join("audit.key");
        let public = dir.path().join("audit.pub");
        generate_keys(&private, &public).expect("keygen");
        assert!(generate_keys(&private, &public).is_err(), "no overwrite");
        let key = load_signing_key(&private).expect("private key");
        let hash = "ab".repeat(32);
        let checkpoint = Checkpoint::sign(7, hash.clone(), &key);
        let file = dir.path().join("checkpoint.json");
        checkpoint.write_new(&file).expect("write");
        assert!(checkpoint.write_new(&file).is_err(), "no overwrite");
        let verified = read_checkpoint(&file, &public).expect("verifies");
        assert_eq!((verified.seq(), verified.hash()), (7, hash.as_str()));

        let verifying = load_verifying_key(&public).expect("public key");
        let mut forged = checkpoint.clone();
        forged.seq = 6;
        assert!(matches!(
            forged.verify(&verifying),
            Err(AuditError::BadSignature)
        ));
        let other = SigningKey::generate(&mut rand::rngs::OsRng);
        assert!(matches!(
            checkpoint.verify(&other.verifying_key()),
            Err(AuditError::BadSignature)
        ));
    }
}
