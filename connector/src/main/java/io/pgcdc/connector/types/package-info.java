/**
 * PostgreSQL column values as Connect values: the settings that choose the forms ({@link
 * io.pgcdc.connector.types.ValueOptions}), a column type's Connect schema and conversion ({@link
 * io.pgcdc.connector.types.ColumnType}), and the catalog look-ups that resolve enums, domains and
 * arrays ({@link io.pgcdc.connector.types.TypeResolver}). The text of every value is read by the
 * decoder's codecs ({@code io.pgcdc.decoder.types}); this package only maps their Java forms to
 * Connect's. Shared by every connector that emits rows; uses the decoder, JDBC and the Connect API.
 */
package io.pgcdc.connector.types;
