package io.mist.auth;

/**
 * What a token opens: everything (the master token, admin mode), a restricted connection bound to a registered
 * token's grant (or to the tags the auth URL answered), the basic commands unrestricted (no authenticator,
 * {@code --allow-anonymous}, or the auth URL's plain yes), or nothing: refused, or undecided because the auth URL
 * failed. Immutable.
 */
public final class Access
{
    /** The kinds of access. */
    public enum Kind
    {
        /** The master token: every command, unrestricted. */
        ADMIN,
        /** A registered token, or the auth URL's answer with tags: basic commands limited to the granted tags. */
        RESTRICTED,
        /** The auth URL allowed the token without naming tags: basic commands, unrestricted, no admin commands. */
        APPROVED,
        /** No token needed: basic commands, unrestricted, no admin commands. */
        ANONYMOUS,
        /** Refused: no token, a wrong one, or one the auth URL refused. */
        DENIED,
        /** Refused because the auth URL could not decide: it timed out, was unreachable, failed or answered badly. */
        UNAVAILABLE
    }

    public static final Access ADMIN = new Access(Kind.ADMIN, null, null, 0);
    public static final Access APPROVED = new Access(Kind.APPROVED, null, null, 0);
    public static final Access ANONYMOUS = new Access(Kind.ANONYMOUS, null, null, 0);
    public static final Access DENIED = new Access(Kind.DENIED, null, null, 0);

    private final Kind kind;
    private final TokenGrant grant;
    private final String failure;
    private final int urlStatus;

    private Access(final Kind kind, final TokenGrant grant, final String failure, final int urlStatus)
    {
        this.kind = kind;
        this.grant = grant;
        this.failure = failure;
        this.urlStatus = urlStatus;
    }

    static Access restricted(final TokenGrant grant)
    {
        return new Access(Kind.RESTRICTED, grant, null, 0);
    }

    /** The auth URL refused the token with {@code status}. */
    static Access deniedByUrl(final int status)
    {
        return new Access(Kind.DENIED, null, null, status);
    }

    /**
     * The auth URL could not decide.
     *
     * @param why what went wrong, for the client's error and the log (never the token).
     * @param status the auth URL's HTTP status when it answered (a 5xx, or a 2xx mist cannot read), else 0.
     */
    public static Access unavailable(final String why, final int status)
    {
        return new Access(Kind.UNAVAILABLE, null, why, status);
    }

    public Kind kind()
    {
        return kind;
    }

    /** The token's live grant; null unless {@link Kind#RESTRICTED}. */
    public TokenGrant grant()
    {
        return grant;
    }

    /** Why the auth URL could not decide; null unless {@link Kind#UNAVAILABLE}. */
    public String failure()
    {
        return failure;
    }

    /** The HTTP status the auth URL answered with when it decided or failed with one; 0 otherwise. */
    public int urlStatus()
    {
        return urlStatus;
    }

    public boolean admitted()
    {
        return kind != Kind.DENIED && kind != Kind.UNAVAILABLE;
    }
}
