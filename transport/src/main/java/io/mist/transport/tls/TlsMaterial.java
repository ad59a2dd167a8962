package io.mist.transport.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;

import java.security.cert.X509Certificate;

/**
 * The server's TLS identity, shared by every TLS listener: the Netty context, the certificate it presents, its
 * SHA-256 fingerprint, and whether it was generated at start. Immutable.
 */
public final class TlsMaterial
{
    private final SslContext context;
    private final X509Certificate certificate;
    private final String fingerprint;
    private final boolean generated;
    private final SslProvider provider;

    TlsMaterial(final SslContext context, final X509Certificate certificate, final String fingerprint,
        final boolean generated, final SslProvider provider)
    {
        this.context = context;
        this.certificate = certificate;
        this.fingerprint = fingerprint;
        this.generated = generated;
        this.provider = provider;
    }

    public SslContext context()
    {
        return context;
    }

    /** The leaf certificate presented to clients. */
    public X509Certificate certificate()
    {
        return certificate;
    }

    /** SHA-256 of the certificate's DER encoding, as colon-separated hex (what browsers and openssl show). */
    public String fingerprint()
    {
        return fingerprint;
    }

    public boolean generated()
    {
        return generated;
    }

    /** OPENSSL (BoringSSL through netty-tcnative) where available, else JDK. */
    public SslProvider provider()
    {
        return provider;
    }
}
