/**
 * The sink's write side: row changes into PostgreSQL. {@link
 * io.pgcdc.connector.sink.write.BatchWriter} runs it on one connection: target tables ({@code
 * TargetTables}, {@code TableCatalog}, {@code SchemaChanges}, {@code ColumnTypes}: read, create,
 * evolve), row encoding ({@code RowEncoder}: COPY text lines), the reduction of a batch by key
 * ({@code TableBatch}) and its plan ({@code WritePlan}), the SQL ({@code Sql}, {@code RowMoves}:
 * strings built by small functions) and the transaction ({@code TableWrite}, {@code StagingTables}:
 * staging, upsert, deletes, key moves, the key probe before COPY). May use {@code sink.change},
 * {@code sink.encode}, the sink's configuration, {@code common} and JDBC; nothing of the read side.
 */
package io.pgcdc.connector.sink.write;
