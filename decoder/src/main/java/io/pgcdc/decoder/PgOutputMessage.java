package io.pgcdc.decoder;

/**
 * One pgoutput logical replication message, as PostgreSQL's "Logical Replication Message Formats"
 * defines it. Decode one with {@link PgOutputDecoder#decode}, then tell the permitted records apart
 * with {@code instanceof} patterns.
 *
 * <p>Transaction ids ({@code TransactionId}) are unsigned 32-bit numbers held in an {@code int}:
 * read them with {@link Integer#toUnsignedLong(int)}. Timestamps ({@code TimestampTz}, microseconds
 * since 2000-01-01 UTC) are {@link java.time.Instant}s.
 */
public sealed interface PgOutputMessage
    permits Begin,
        Message,
        Commit,
        Origin,
        Relation,
        Type,
        Insert,
        Update,
        Delete,
        Truncate,
        StreamStart,
        StreamStop,
        StreamCommit,
        StreamAbort,
        BeginPrepare,
        Prepare,
        CommitPrepared,
        RollbackPrepared,
        StreamPrepare {}
