/**
 * The snapshot phase: copies the captured tables with COPY, split into block ranges read by
 * parallel workers, in the slot's exported snapshot or a new one. May use {@code offset}, {@code
 * record}, {@code catalog}; not {@code stream}.
 */
package io.pgcdc.connector.source.snapshot;
