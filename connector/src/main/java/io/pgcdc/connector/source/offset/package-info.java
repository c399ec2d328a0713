/**
 * Where a record sits in the change history ({@code SourceOffset}, with the one resume rule {@code
 * covers}), the snapshot's ranges that an offset records, and which LSN may be confirmed to the
 * server ({@code OffsetTracker}). Pure values and bookkeeping: uses no other package of the source.
 */
package io.pgcdc.connector.source.offset;
