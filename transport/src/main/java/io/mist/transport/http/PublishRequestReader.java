package io.mist.transport.http;

import io.mist.codec.Command;
import io.mist.codec.FrameException;
import io.mist.codec.GrowableBytes;
import io.mist.codec.MistFrame;
import io.mist.codec.MistFrameParser;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the message of a {@code POST /publish}: a JSON body in mist's message format ({@code {"tags":[...],
 * "data":"..."}}, {@code command} absent or {@code publish}), or {@code tags} and {@code data} as form fields or query
 * parameters (tags comma-separated and/or repeated). One per connection; its event loop only.
 */
final class PublishRequestReader
{
    private static final String FORM = "application/x-www-form-urlencoded";

    private final MistFrameParser parser = new MistFrameParser();
    private final GrowableBytes body = new GrowableBytes(512);

    /** Fills {@code frame} from the request; throws with the client's error for a message it cannot read. */
    void read(final FullHttpRequest request, final MistFrame frame) throws FrameException
    {
        final ByteBuf content = request.content();
        final String type = request.headers().get(HttpHeaderNames.CONTENT_TYPE, "").toLowerCase(Locale.ROOT);
        if (type.startsWith(FORM))
        {
            final String form = content.toString(StandardCharsets.UTF_8);
            fromParameters(new QueryStringDecoder(form, StandardCharsets.UTF_8, false).parameters(), frame);
            return;
        }
        if (hasContent(content))
        {
            final int length = content.readableBytes();
            body.clear();
            body.ensureSpare(length);
            content.getBytes(content.readerIndex(), body.array(), 0, length);
            parser.parse(body.array(), length, frame);
            if (frame.commandLength() > 0 && frame.command() != Command.PUBLISH)
            {
                throw new FrameException("invalid message: /publish takes a 'publish' message (or one without " +
                    "'command'), not '" + new String(frame.commandBytes(), 0, frame.commandLength(),
                    StandardCharsets.UTF_8) + "'");
            }
            body.shrinkIfLargerThan(64 * 1024, 512);
            return;
        }
        fromParameters(new QueryStringDecoder(request.uri(), StandardCharsets.UTF_8).parameters(), frame);
    }

    private static boolean hasContent(final ByteBuf content)
    {
        for (int i = content.readerIndex(); i < content.writerIndex(); i++)
        {
            final byte b = content.getByte(i);
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n')
            {
                return true;
            }
        }
        return false;
    }

    private static void fromParameters(final Map<String, List<String>> parameters, final MistFrame frame)
    {
        frame.clear(Command.PUBLISH);
        for (final String value : parameters.getOrDefault("tags", List.of()))
        {
            for (final String tag : value.split(",", -1))
            {
                if (!tag.isEmpty())
                {
                    final byte[] bytes = tag.getBytes(StandardCharsets.UTF_8);
                    frame.addTag(bytes, 0, bytes.length);
                }
            }
        }
        final List<String> data = parameters.get("data");
        if (data != null && !data.isEmpty())
        {
            final byte[] bytes = data.get(data.size() - 1).getBytes(StandardCharsets.UTF_8);
            frame.setData(bytes, 0, bytes.length);
        }
    }
}
