use std::error::Error;

type BoxError = Box<dyn Error + Send + Sync + 'static>;

/// A failure of a storage adapter that the domain cannot act on.
///
/// Adapters map the failures the domain *can* act on (a unique email, a taken slot) to the
/// use case's own error variants; everything else arrives here.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The store could not be reached in time (pool exhausted, server down). Clients should
    /// retry later; the HTTP layer answers 503.
    #[error("the database is unavailable")]
    Unavailable(#[source] BoxError),
    /// Anything else: a bug or a broken invariant. The HTTP layer answers 500 and logs it.
    #[error("unexpected storage failure")]
    Unexpected(#[source] BoxError),
}

impl StoreError {
    pub fn unexpected(error: impl Into<BoxError>) -> Self {
        Self::Unexpected(error.into())
    }

    pub fn unavailable(error: impl Into<BoxError>) -> Self {
        Self::Unavailable(error.into())
    }
}
