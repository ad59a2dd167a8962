package io.mist.auth;

/**
 * What a token opens: everything (the master token, admin mode), a restricted connection bound to a registered
 * token's grant, anonymous basic commands (no authenticator, or {@code --allow-anonymous}), or nothing. Immutable.
 */
public final class Access
{
    /** The kinds of access. */
    public enum Kind
    {
        /** The master token: every command, unrestricted. */
        ADMIN,
        /** A registered token: basic commands limited to its granted tags. */
        RESTRICTED,
        /** No token needed: basic commands, unrestricted, no admin commands. */
        ANONYMOUS,
        /** Refused. */
        DENIED
    }

    public static final Access ADMIN = new Access(Kind.ADMIN, null);
    public static final Access ANONYMOUS = new Access(Kind.ANONYMOUS, null);
    public static final Access DENIED = new Access(Kind.DENIED, null);

    private final Kind kind;
    private final TokenGrant grant;

    private Access(final Kind kind, final TokenGrant grant)
    {
        this.kind = kind;
        this.grant = grant;
    }

    static Access restricted(final TokenGrant grant)
    {
        return new Access(Kind.RESTRICTED, grant);
    }

    public Kind kind()
    {
        return kind;
    }

    /** The registered token's live grant; null unless {@link Kind#RESTRICTED}. */
    public TokenGrant grant()
    {
        return grant;
    }

    public boolean admitted()
    {
        return kind != Kind.DENIED;
    }
}
