/**
 * The query source on a real worker: values typed as the CDC source types the same columns, the
 * incremental modes losing no row when transactions commit out of order, statement jobs and their
 * result records, and validation through the REST API.
 */
package io.pgcdc.it.query;
