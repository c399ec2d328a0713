/**
 * Cleanup on delete on a real worker: the REST extension drops a deleted source's slot and
 * publication, and keeps them on pause, restarts, rebalances and when another connector reads them.
 */
package io.pgcdc.it.cleanup;
