//! taxonomy (owned by the categoriser work)
