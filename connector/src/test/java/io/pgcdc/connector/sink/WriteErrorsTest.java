package io.pgcdc.connector.sink;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

class WriteErrorsTest {
  /** A server error as the driver reads it: fields tagged S, C, M, R (see the protocol). */
  private static PSQLException server(String state, String message, String routine) {
    return new PSQLException(
        new ServerErrorMessage("SERROR\0C" + state + "\0M" + message + "\0R" + routine + "\0"));
  }

  @Test
  void privilegesAndMissingObjectsBelongToOneTable() {
    PSQLException denied = server("42501", "permission denied for table t", "aclcheck_error");

    assertThat(WriteErrors.isTableLevel(denied)).isTrue();
    assertThat(WriteErrors.isTableLevel(server("42P01", "relation does not exist", "x"))).isTrue();
    assertThat(WriteErrors.isolatable(denied, 0)).isTrue();
    assertThat(WriteErrors.describe(denied))
        .isEqualTo("permission denied for table t SQLSTATE 42501");
  }

  @Test
  void aDatabaseThatDeniesTemporaryTablesIsNotOneTablesProblem() {
    PSQLException temp =
        server(
            "42501",
            "permission denied to create temporary tables in database \"db\"",
            "InitTempTableNamespace");

    assertThat(WriteErrors.isTableLevel(temp)).isFalse();
    assertThat(WriteErrors.isolatable(temp, 1)).isFalse();
  }

  @Test
  void aTableChangedUnderUsIsFirstRetriedWithFreshMetadata() {
    PSQLException gone = server("42P01", "relation does not exist", "parserOpenTable");

    assertThat(WriteErrors.isolatable(gone, 0)).isFalse();
    assertThat(WriteErrors.isolatable(gone, 1)).isTrue();
  }

  @Test
  void dataErrorsBelongToOneRecordAndTransientOnesToNone() {
    assertThat(WriteErrors.isRecordLevel(server("22P02", "invalid input", "x"))).isTrue();
    assertThat(WriteErrors.isRecordLevel(server("23505", "duplicate key", "x"))).isTrue();
    for (String state : new String[] {"40001", "40P01", "08006", "42601"}) {
      assertThat(WriteErrors.isolatable(server(state, "m", "x"), 1)).as(state).isFalse();
    }
  }
}
