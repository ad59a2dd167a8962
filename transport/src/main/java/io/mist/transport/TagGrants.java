package io.mist.transport;

import io.mist.auth.TokenGrant;
import io.mist.engine.Engine;
import io.mist.engine.ingress.TagGrant;

import java.nio.charset.StandardCharsets;

/** Turns a token's granted tag names into the engine's {@link TagGrant} of interned ids. IO threads. */
public final class TagGrants
{
    private TagGrants()
    {
    }

    /** The grant's tags now, interned (so a tag nobody used yet still gets an id to compare). */
    public static TagGrant of(final Engine engine, final TokenGrant grant)
    {
        final Object[] tags = grant.tags().toArray();
        final int[] ids = new int[tags.length];
        for (int i = 0; i < ids.length; i++)
        {
            final byte[] tag = ((String)tags[i]).getBytes(StandardCharsets.UTF_8);
            ids[i] = engine.tagTable().intern(tag, 0, tag.length);
        }
        return new TagGrant(ids);
    }
}
