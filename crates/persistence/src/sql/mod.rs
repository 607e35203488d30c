//! Impls shared by the hand-written SQL pieces of this crate.

pub(crate) mod blocking;
pub(crate) mod occupancy;
pub(crate) mod timeline;

/// The `Query`, `QueryId` and `RunQueryDsl` impls of a hand-written statement (a struct with
/// one lifetime whose `QueryFragment` writes the SQL) returning rows of `$sql_type`. Without a
/// static query id, diesel caches the prepared statement by its SQL text.
macro_rules! raw_query {
    ($name:ident, $sql_type:ty) => {
        impl diesel::query_builder::Query for $name<'_> {
            type SqlType = $sql_type;
        }

        impl diesel::query_builder::QueryId for $name<'_> {
            type QueryId = ();
            const HAS_STATIC_QUERY_ID: bool = false;
        }

        impl<Conn> diesel::RunQueryDsl<Conn> for $name<'_> {}
    };
}
pub(crate) use raw_query;

/// The expression impls of a hand-written SQL expression (a struct whose `QueryFragment`
/// writes it) of type `$sql_type`, usable in `filter` and `select` over any table. Without a
/// static query id, diesel caches a statement using it by the statement's SQL text.
macro_rules! raw_expression {
    ($name:ident, $sql_type:ty) => {
        impl diesel::expression::Expression for $name {
            type SqlType = $sql_type;
        }

        impl<QS> diesel::expression::AppearsOnTable<QS> for $name {}

        impl<QS> diesel::expression::SelectableExpression<QS> for $name {}

        impl diesel::expression::ValidGrouping<()> for $name {
            type IsAggregate = diesel::expression::is_aggregate::Never;
        }

        impl diesel::query_builder::QueryId for $name {
            type QueryId = ();
            const HAS_STATIC_QUERY_ID: bool = false;
        }
    };
}
pub(crate) use raw_expression;
