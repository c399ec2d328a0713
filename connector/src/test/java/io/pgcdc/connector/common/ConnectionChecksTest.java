package io.pgcdc.connector.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.connector.common.ConnectionChecks.ConnectionProblem;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

/** Which setting a failed connection is reported on, and what it tells the user to do. */
class ConnectionChecksTest {

  @Test
  void hostNameTheCertificateDoesNotNameIsTheHostsWithVerifyCaAsTheAlternative() {
    // What pgjdbc's MakeSSL throws under verify-full: no SSLException cause.
    PSQLException e =
        new PSQLException(
            "The hostname 127.0.0.1 could not be verified by hostnameverifier"
                + " PgjdbcHostnameVerifier.",
            PSQLState.CONNECTION_FAILURE);

    ConnectionProblem problem = ConnectionChecks.connectionProblem(e, true);

    assertThat(problem.setting()).isEqualTo("connection.host");
    assertThat(problem.advice())
        .contains(
            "host name does not match the server's certificate",
            "set connection.host to the name the certificate was issued for",
            "connection.sslmode=verify-ca")
        .doesNotContain("firewall");
  }

  @Test
  void certificateTheDriverRejectsIsTheRootCertificatesWhenOneIsGiven() {
    PSQLException e =
        new PSQLException(
            "SSL error: PKIX path building failed",
            PSQLState.CONNECTION_FAILURE,
            new SSLHandshakeException("PKIX path building failed"));

    ConnectionProblem given = ConnectionChecks.connectionProblem(e, true);
    ConnectionProblem notGiven = ConnectionChecks.connectionProblem(e, false);

    assertThat(given.setting()).isEqualTo("connection.sslrootcert");
    assertThat(given.advice())
        .contains(
            "certificate was not accepted", "give the CA that signed it in connection.sslrootcert");
    assertThat(notGiven.setting()).isEqualTo("connection.sslmode");
  }

  @Test
  void rootCertificateFileTheDriverCannotOpenIsTheRootCertificates() {
    PSQLException e =
        new PSQLException(
            "Could not open SSL root certificate file /root/.postgresql/root.crt.",
            PSQLState.CONNECTION_FAILURE,
            new FileNotFoundException("/root/.postgresql/root.crt"));

    ConnectionProblem problem = ConnectionChecks.connectionProblem(e, false);

    assertThat(problem.setting()).isEqualTo("connection.sslrootcert");
    assertThat(problem.advice()).contains("Set connection.sslrootcert to a readable PEM file");
  }

  @Test
  void serverWithoutSslIsTheSslModes() {
    PSQLException e =
        new PSQLException("The server does not support SSL.", PSQLState.CONNECTION_REJECTED);

    ConnectionProblem problem = ConnectionChecks.connectionProblem(e, true);

    assertThat(problem.setting()).isEqualTo("connection.sslmode");
    assertThat(problem.advice()).contains("Turn on ssl", "connection.sslmode=disable");
  }

  @Test
  void otherConnectionFailuresAreTheHostsAndPorts() {
    PSQLException e =
        new PSQLException(
            "Connection to 127.0.0.1:1 refused.", PSQLState.CONNECTION_UNABLE_TO_CONNECT);

    ConnectionProblem problem = ConnectionChecks.connectionProblem(e, true);

    assertThat(problem.setting()).isEqualTo("connection.host");
    assertThat(problem.advice()).contains("connection.port", "listens");
  }

  @Test
  void missingDirectoryOrUnsetFilesAreToldApart(@TempDir Path dir) throws IOException {
    Path present = Files.writeString(dir.resolve("ca.pem"), "x");
    String absent = dir.resolve("absent.pem").toString();

    assertThat(ConnectionChecks.missingFile("connection.sslrootcert", absent))
        .contains(
            "The file " + absent + " (connection.sslrootcert) does not exist",
            "PEM file of the CA that signed the server's certificate",
            "correct connection.sslrootcert");
    assertThat(ConnectionChecks.missingFile("connection.sslcert", dir.toString()))
        .contains("is a directory", "correct connection.sslcert");
    assertThat(ConnectionChecks.missingFile("connection.sslrootcert", present.toString())).isNull();
    assertThat(ConnectionChecks.missingFile("connection.sslrootcert", null)).isNull();
  }
}
