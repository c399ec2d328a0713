/**
 * The statement sink: the user's SQL run for each record. {@link
 * io.pgcdc.connector.statement.PostgresStatementSinkConnector} and its task; {@code Template} and
 * {@code Parameter} read the SQL and its named parameters (with {@code common.NamedParameters});
 * {@code RecordFields} reads a record's envelope, key, headers and coordinates as the upsert sink
 * does; {@code Binding} binds values (typed values through {@code sink.encode.PgText}, cast to
 * their {@code pgcdc.type}); {@code StatementRunner} runs batches and singles out bad records;
 * {@code OffsetLedger} (in common) is the offsets table that makes each record run once; {@code
 * StatementApplier} ties them into a transaction per put. May use {@code common}, {@code types},
 * {@code sink.change}, {@code sink.encode}, JDBC and the Connect API; nothing of the upsert sink's
 * writing.
 */
package io.pgcdc.connector.statement;
