package io.mist.transport.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * Builds the server's {@link TlsMaterial}: from PEM files ({@code --tls-cert}, {@code --tls-key}), or, without them,
 * from a self-signed RSA-2048 certificate generated at start as mist's {@code wss://} listener does (valid for
 * {@code localhost}, the loopback addresses and the listeners' hosts, for 10 years). Called once by the server's main
 * thread.
 */
public final class TlsMaterials
{
    private static final Duration GENERATED_VALIDITY = Duration.ofDays(3650);

    private TlsMaterials()
    {
    }

    /**
     * Loads a certificate chain and its private key (PEM: PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted); the error
     * names the file at fault.
     */
    public static TlsMaterial fromPem(final File certificateChain, final File privateKey) throws IOException
    {
        final X509Certificate[] chain;
        try (InputStream in = Files.newInputStream(certificateChain.toPath()))
        {
            chain = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                .map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
        }
        catch (final GeneralSecurityException | ClassCastException ex)
        {
            throw new IOException("--tls-cert " + certificateChain + ": not a PEM X.509 certificate chain (" +
                ex.getMessage() + ")", ex);
        }
        if (chain.length == 0)
        {
            throw new IOException("--tls-cert " + certificateChain + ": no certificate in the file");
        }
        final PrivateKey key = readPrivateKey(privateKey);
        checkValidity(chain[0], certificateChain);
        checkKeyMatches(chain[0], key, certificateChain, privateKey);
        final SslContext context;
        try
        {
            context = SslContextBuilder.forServer(key, chain).sslProvider(provider()).build();
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            throw new IOException("--tls-key " + privateKey + ": cannot use it with --tls-cert " + certificateChain +
                " (" + ex.getMessage() + ")", ex);
        }
        return new TlsMaterial(context, chain[0], fingerprint(chain[0]), false, provider());
    }

    /** An expired certificate (or one not valid yet) would fail every handshake: refused at start instead. */
    private static void checkValidity(final X509Certificate certificate, final File file) throws IOException
    {
        try
        {
            certificate.checkValidity();
        }
        catch (final CertificateExpiredException ex)
        {
            throw new IOException("--tls-cert " + file + ": the certificate expired on " +
                certificate.getNotAfter().toInstant(), ex);
        }
        catch (final CertificateNotYetValidException ex)
        {
            throw new IOException("--tls-cert " + file + ": the certificate is not valid before " +
                certificate.getNotBefore().toInstant(), ex);
        }
    }

    /**
     * A key that does not belong to the certificate would fail every handshake (neither Netty nor the JDK check it
     * when the context is built): a test signature made with the key must verify with the certificate's public key.
     */
    private static void checkKeyMatches(final X509Certificate certificate, final PrivateKey key, final File certFile,
        final File keyFile) throws IOException
    {
        final String algorithm;
        switch (key.getAlgorithm())
        {
            case "RSA":
                algorithm = "SHA256withRSA";
                break;
            case "EC":
                algorithm = "SHA256withECDSA";
                break;
            case "Ed25519":
            case "Ed448":
            case "EdDSA":
                algorithm = key.getAlgorithm();
                break;
            default:
                return; // no test signature for this kind of key: the handshake will tell
        }
        final byte[] challenge = new byte[32];
        new SecureRandom().nextBytes(challenge);
        boolean matches;
        try
        {
            final Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            final byte[] signed = signer.sign();
            final Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(challenge);
            matches = verifier.verify(signed);
        }
        catch (final GeneralSecurityException ex)
        {
            matches = false; // e.g. an EC key with an RSA certificate
        }
        if (!matches)
        {
            throw new IOException("--tls-key " + keyFile + " does not belong to --tls-cert " + certFile + " (the " +
                "certificate's public key is not the key's; give the key the certificate was issued for)");
        }
    }

    private static PrivateKey readPrivateKey(final File file) throws IOException
    {
        try (PEMParser parser = new PEMParser(Files.newBufferedReader(file.toPath())))
        {
            final JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object object = parser.readObject(); object != null; object = parser.readObject())
            {
                if (object instanceof PEMKeyPair)
                {
                    return converter.getPrivateKey(((PEMKeyPair)object).getPrivateKeyInfo()); // PKCS#1 RSA, SEC1 EC
                }
                if (object instanceof PrivateKeyInfo)
                {
                    return converter.getPrivateKey((PrivateKeyInfo)object); // PKCS#8
                }
                if (object instanceof PEMEncryptedKeyPair || object instanceof PKCS8EncryptedPrivateKeyInfo)
                {
                    throw new IOException("--tls-key " + file + ": the key is encrypted; give an unencrypted key " +
                        "(e.g. openssl pkey -in KEY -out PLAIN)");
                }
            }
            throw new IOException("--tls-key " + file + ": no PEM private key in the file");
        }
        catch (final PEMException ex)
        {
            throw new IOException("--tls-key " + file + ": not a usable PEM private key (" + ex.getMessage() + ")", ex);
        }
    }

    /** Generates a key pair and a self-signed certificate for {@code hosts} (names or IP addresses) and loopback. */
    public static TlsMaterial selfSigned(final Set<String> hosts) throws IOException
    {
        try
        {
            final KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048, new SecureRandom());
            final KeyPair keys = generator.generateKeyPair();
            final List<GeneralName> names = new ArrayList<>();
            names.add(new GeneralName(GeneralName.dNSName, "localhost"));
            names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
            names.add(new GeneralName(GeneralName.iPAddress, "::1"));
            for (final String host : hosts)
            {
                if (host.isEmpty() || host.equals("localhost") || host.equals("127.0.0.1") || host.equals("::1") ||
                    host.equals("0.0.0.0") || host.equals("::"))
                {
                    continue;
                }
                names.add(new GeneralName(isIpAddress(host) ? GeneralName.iPAddress : GeneralName.dNSName, host));
            }
            final Instant now = Instant.now();
            final X500Name subject = new X500Name("CN=mist");
            final X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                new BigInteger(64, new SecureRandom()).abs().add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(GENERATED_VALIDITY)), subject,
                keys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(names.toArray(new GeneralName[0])));
            final X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
            final SslContext context = SslContextBuilder.forServer(keys.getPrivate(), certificate)
                .sslProvider(provider()).build();
            return new TlsMaterial(context, certificate, fingerprint(certificate), true, provider());
        }
        catch (final GeneralSecurityException | OperatorCreationException ex)
        {
            throw new IOException("cannot generate a self-signed certificate: " + ex.getMessage(), ex);
        }
    }

    private static SslProvider provider()
    {
        return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    private static boolean isIpAddress(final String host)
    {
        return host.indexOf(':') >= 0 || host.matches("[0-9.]+");
    }

    static String fingerprint(final X509Certificate certificate) throws IOException
    {
        try
        {
            final byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            final StringBuilder hex = new StringBuilder(digest.length * 3);
            for (final byte b : digest)
            {
                if (hex.length() > 0)
                {
                    hex.append(':');
                }
                hex.append(String.format("%02X", b & 0xFF));
            }
            return hex.toString();
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IOException("cannot fingerprint the certificate: " + ex.getMessage(), ex);
        }
    }
}
