package io.pgcdc.it.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.ConnectRestClient;
import io.pgcdc.it.kafka.ConnectorDefinition;
import io.pgcdc.it.kafka.Deadline;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGProperty;

/**
 * Validation of a source that verifies the server's certificate (connection.sslmode verify-ca or
 * verify-full) reports a certificate or host name the client does not accept on the setting to
 * change. The CAs and server certificates are made here, in Java; two servers of the test's own
 * present a certificate for localhost and 127.0.0.1 and one for another name, both signed by CA A.
 */
@ExtendWith(KafkaConnectExtension.class)
class SslValidationIT {
  private static final String SOURCE = "io.pgcdc.connector.source.PostgresSourceConnector";
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  @TempDir static Path clientDir;

  private static Path caA;
  private static Path caB;
  private static PostgresServer localhostCert;
  private static PostgresServer otherNameCert;

  /** JUnit runs {@link #stopServers} also when this fails, stopping the servers it started. */
  @BeforeAll
  static void startServersWithCertificates() throws IOException, GeneralSecurityException {
    KeyPair keyA = keyPair();
    X509Certificate certA = ca("pgcdc test CA A", keyA);
    X509Certificate certB = ca("pgcdc test CA B", keyPair());
    caA = writePem(clientDir.resolve("ca-a.pem"), certA);
    caB = writePem(clientDir.resolve("ca-b.pem"), certB);
    localhostCert = PostgresServer.startOwn();
    serveSsl(
        localhostCert,
        keyA,
        certA,
        List.of(
            new GeneralName(GeneralName.dNSName, "localhost"),
            new GeneralName(GeneralName.iPAddress, "127.0.0.1")),
        "localhost");
    otherNameCert = PostgresServer.startOwn();
    serveSsl(
        otherNameCert,
        keyA,
        certA,
        List.of(new GeneralName(GeneralName.dNSName, "db.example.invalid")),
        "db.example.invalid");
  }

  @AfterAll
  static void stopServers() {
    for (PostgresServer server : new PostgresServer[] {localhostCert, otherNameCert}) {
      if (server != null) {
        server.stop();
      }
    }
    localhostCert = null;
    otherNameCert = null;
  }

  @Test
  void certificateSignedByAnotherCaIsReportedOnTheRootCertificate(ConnectCluster cluster) {
    Map<String, String> errors =
        validate(
            cluster,
            source(localhostCert, "localhost")
                .with("connection.sslmode", "verify-ca")
                .with("connection.sslrootcert", caB.toString()));

    assertThat(errors).containsOnlyKeys("connection.sslrootcert");
    assertThat(errors.get("connection.sslrootcert"))
        .contains(
            "Could not connect",
            "SSL error",
            "The server's certificate was not accepted",
            "give the CA that signed it in connection.sslrootcert")
        .doesNotContain(localhostCert.password());
  }

  @Test
  void hostNameTheCertificateDoesNotNameIsReportedOnTheHost(ConnectCluster cluster) {
    Map<String, String> errors =
        validate(
            cluster,
            source(otherNameCert, "127.0.0.1")
                .with("connection.sslmode", "verify-full")
                .with("connection.sslrootcert", caA.toString()));

    assertThat(errors).containsOnlyKeys("connection.host");
    assertThat(errors.get("connection.host"))
        .contains(
            "The hostname 127.0.0.1 could not be verified",
            "The host name does not match the server's certificate",
            "set connection.host to the name the certificate was issued for",
            "connection.sslmode=verify-ca")
        .doesNotContain("firewall", otherNameCert.password());
  }

  @Test
  void certificateThatNamesTheHostAndIsSignedByTheGivenCaPasses(ConnectCluster cluster) {
    Map<String, String> errors =
        validate(
            cluster,
            source(localhostCert, "localhost")
                .with("connection.sslmode", "verify-full")
                .with("connection.sslrootcert", caA.toString()));

    assertThat(errors).isEmpty();
  }

  @Test
  void rootCertificateFileThatDoesNotExistIsReportedOnItsSetting(ConnectCluster cluster) {
    String absent = clientDir.resolve("no-such-ca.pem").toString();

    Map<String, String> errors =
        validate(
            cluster,
            source(localhostCert, "localhost")
                .with("connection.sslmode", "verify-ca")
                .with("connection.sslrootcert", absent));

    assertThat(errors).containsOnlyKeys("connection.sslrootcert");
    assertThat(errors.get("connection.sslrootcert"))
        .contains(
            "The file "
                + absent
                + " (connection.sslrootcert) does not exist on this Connect worker",
            "put the PEM file of the CA that signed the server's certificate there",
            "or correct connection.sslrootcert")
        .doesNotContain(localhostCert.password());
  }

  private static ConnectorDefinition source(PostgresServer server, String host) {
    return ConnectorDefinition.fromConfigDir("pgcdc-source.json")
        .withName(server.uniqueName("val_ssl"))
        .withConnection(host, server.port(), server.database(), server.user(), server.password())
        .with("table.include.list", "public.orders");
  }

  private static Map<String, String> validate(ConnectCluster cluster, ConnectorDefinition def) {
    Map<String, String> config = new HashMap<>(def.config());
    config.put("name", def.name());
    return ConnectRestClient.validationErrors(cluster.rest().validate(SOURCE, config));
  }

  /**
   * Gives {@code server} a certificate for {@code names} signed by the CA, turns ssl on with a
   * reload, and waits until it serves it. The files lie in the server's own directory, owned by the
   * user the server runs as (root's server runs as another user) with mode 0600, as PostgreSQL
   * requires of a key file.
   */
  private static void serveSsl(
      PostgresServer server,
      KeyPair caKey,
      X509Certificate caCert,
      List<GeneralName> names,
      String commonName)
      throws IOException, GeneralSecurityException {
    KeyPair key = keyPair();
    X509Certificate cert = issue(caKey, caCert, key, commonName, names);
    Path dir = server.directory();
    Path certFile = serverFile(dir.resolve("server.crt"), pem(cert));
    Path keyFile = serverFile(dir.resolve("server.key"), pem(key.getPrivate()));
    server.execute(
        "CREATE TABLE public.orders (id bigint PRIMARY KEY)",
        "ALTER SYSTEM SET ssl_cert_file = '" + certFile + "'",
        "ALTER SYSTEM SET ssl_key_file = '" + keyFile + "'",
        "ALTER SYSTEM SET ssl = on",
        "SELECT pg_reload_conf()");
    Deadline.in(Duration.ofSeconds(30))
        .await(
            "the server on port " + server.port() + " to serve SSL with CA A's certificate",
            () -> verifiedConnection(server) == null,
            () -> verifiedConnection(server));
  }

  /** Null if a verify-ca connection with CA A succeeds, else why not. */
  private static String verifiedConnection(PostgresServer server) {
    Properties props = new Properties();
    PGProperty.USER.set(props, server.user());
    PGProperty.PASSWORD.set(props, server.password());
    PGProperty.SSL_MODE.set(props, "verify-ca");
    PGProperty.SSL_ROOT_CERT.set(props, caA.toString());
    try (Connection c = DriverManager.getConnection(server.jdbcUrl(), props)) {
      return null;
    } catch (SQLException e) {
      return e.getMessage();
    }
  }

  private static Path serverFile(Path file, String content) throws IOException {
    Files.writeString(file, content);
    Files.setOwner(file, Files.getOwner(file.getParent()));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }

  private static X509Certificate ca(String name, KeyPair key) throws GeneralSecurityException {
    X500Principal subject = new X500Principal("CN=" + name);
    X509v3CertificateBuilder builder = builder(subject, subject, key);
    try {
      builder
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
          .addExtension(
              Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sign(builder, key);
  }

  private static X509Certificate issue(
      KeyPair caKey,
      X509Certificate caCert,
      KeyPair key,
      String commonName,
      List<GeneralName> names)
      throws GeneralSecurityException {
    X509v3CertificateBuilder builder =
        builder(caCert.getSubjectX500Principal(), new X500Principal("CN=" + commonName), key);
    try {
      builder
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(
              Extension.keyUsage,
              true,
              new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
          .addExtension(
              Extension.subjectAlternativeName,
              false,
              new GeneralNames(names.toArray(GeneralName[]::new)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sign(builder, caKey);
  }

  private static X509v3CertificateBuilder builder(
      X500Principal issuer, X500Principal subject, KeyPair key) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(
        issuer,
        BigInteger.valueOf(SERIAL.incrementAndGet()),
        java.util.Date.from(now.minus(Duration.ofHours(1))),
        java.util.Date.from(now.plus(Duration.ofDays(1))),
        subject,
        key.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(
                  new JcaContentSignerBuilder("SHA256withRSA").build(signer.getPrivate())));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static Path writePem(Path file, Object value) throws IOException {
    return Files.writeString(file, pem(value));
  }

  private static String pem(Object value) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(value);
    }
    return out.toString();
  }
}
