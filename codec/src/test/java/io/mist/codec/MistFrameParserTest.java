package io.mist.codec;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static io.mist.codec.FrameTestSupport.data;
import static io.mist.codec.FrameTestSupport.parse;
import static io.mist.codec.FrameTestSupport.tags;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MistFrameParserTest
{
    @Test
    void anIdIsReadWhenItIsOneAndSkippedOtherwiseAsMistSkipsUnknownMembers() throws FrameException
    {
        assertEquals(42, parse("{\"command\":\"publish\",\"tags\":[\"a\"],\"data\":\"x\",\"id\":42}").id());
        assertEquals(-1, parse("{\"command\":\"publish\",\"tags\":[\"a\"]}").id());
        for (final String other : new String[] {"\"x\"", "1.5", "-3", "[1]", "99999999999999999999"})
        {
            final MistFrame frame = parse("{\"command\":\"publish\",\"id\":" + other + ",\"data\":\"d\"}");
            assertEquals(-1, frame.id(), other);
            assertEquals("d", data(frame), other);
        }
    }

    @Test
    void sinceIsAMessageIdOrAbsent() throws FrameException
    {
        assertEquals(-1, parse("{\"command\":\"subscribe\",\"tags\":[\"a\"]}").since());
        assertEquals(0, parse("{\"command\":\"subscribe\",\"tags\":[\"a\"],\"since\":0}").since());
        assertEquals(9007199254740993L, parse("{\"Since\":9007199254740993,\"command\":\"subscribe\"}").since());
        for (final String bad : new String[] {"-1", "1.5", "1e3", "\"7\"", "true", "99999999999999999999"})
        {
            final FrameException error = assertThrows(FrameException.class,
                () -> parse("{\"command\":\"subscribe\",\"since\":" + bad + "}"), bad);
            assertTrue(error.getMessage().contains("'since' must be a message id"), error.getMessage());
        }
    }

    @Test
    void readsCommandTagsAndData() throws FrameException
    {
        final MistFrame frame = parse("{\"command\":\"publish\",\"tags\":[\"b\",\"a\"],\"data\":\"hello\"}");
        assertEquals(Command.PUBLISH, frame.command());
        assertArrayEquals(new String[] { "b", "a" }, tags(frame));
        assertEquals("hello", data(frame));
    }

    @Test
    void memberNamesMatchCaseInsensitively() throws FrameException
    {
        final MistFrame frame = parse("{\"COMMAND\":\"ping\",\"Tags\":[\"x\"],\"dAtA\":\"d\"}");
        assertEquals(Command.PING, frame.command());
        assertArrayEquals(new String[] { "x" }, tags(frame));
        assertEquals("d", data(frame));
    }

    /**
     * Names taken without decoding when spelled exactly as mist writes them; anything that only starts like one, or
     * spells one with an escape, takes the general path with the same result as Go.
     */
    @Test
    void namesThatOnlyStartLikeMistsOrUseEscapesAreDecodedFirst() throws FrameException
    {
        final MistFrame frame = parse("{\"tagsx\":[\"no\"],\"dat\":\"no\",\"c\\u006fmmand\":\"ping\"," +
            "\"t\\u0061gs\":[\"x\"],\"datA\":\"d\"}");
        assertEquals(Command.PING, frame.command());
        assertArrayEquals(new String[] { "x" }, tags(frame));
        assertEquals("d", data(frame));
        assertThrows(FrameException.class, () -> parse("{\"data\"\"x\"}"));
        assertThrows(FrameException.class, () -> parse("{\"data"));
    }

    /**
     * A publish exactly in mist's output form is read in one pass and keeps its bytes as its delivery; every near
     * miss takes the general path. Either way the frame holds the same command, tags and data as the general path
     * (reached here through a leading space, which the one-pass reader never takes).
     */
    /**
     * A publish in mist's output form leaves its data in the parsed bytes until asked for; a frame changed after the
     * parse (an id, a tag) copies it out then, so it stays right once those bytes are reused.
     */
    @Test
    void theDataOfAPublishInMistsOutputFormSurvivesAChangeAndTheReuseOfTheInput() throws FrameException
    {
        final MistFrameParser parser = new MistFrameParser();
        final byte[] input = "{\"command\":\"publish\",\"tags\":[\"a\"],\"data\":\"hello\"}"
            .getBytes(StandardCharsets.US_ASCII);
        final MistFrame frame = new MistFrame();
        parser.parse(input, input.length, frame);
        assertEquals(5, frame.dataLength());
        frame.id(7);
        assertNull(frame.wireForm(), "changed: no longer delivered as parsed");
        java.util.Arrays.fill(input, (byte)'z'); // the connection's buffer, reused for the next read
        assertEquals("hello", data(frame));

        final byte[] again = "{\"command\":\"publish\",\"tags\":[\"a\"],\"data\":\"world\"}"
            .getBytes(StandardCharsets.US_ASCII);
        parser.parse(again, again.length, frame);
        assertEquals("world", data(frame), "read while the input is valid");
        frame.addTag(new byte[] {'b'}, 0, 1);
        java.util.Arrays.fill(again, (byte)'z');
        assertEquals("world", data(frame));
    }

    @Test
    void aPublishInMistsOutputFormKeepsItsBytesAndReadsAsTheGeneralPathDoes() throws FrameException
    {
        final String[] wireForm = {
            "{\"command\":\"publish\",\"tags\":[\"a\"],\"data\":\"hello\"}",
            "{\"command\":\"publish\",\"tags\":[\"a\",\"a\",\"b\",\"ba\"],\"data\":\"x y:{}[],\"}",
            "{\"command\":\"publish\",\"tags\":[\"\",\"z\"],\"data\":\"1\"}",
        };
        for (final String json : wireForm)
        {
            final MistFrame frame = parse(json);
            assertEquals(json, new String(frame.wireForm(), 0, frame.wireFormLength(), StandardCharsets.UTF_8));
            assertSameAsGeneralPath(json, frame);
        }
        final String[] nearMisses = {
            "{\"command\":\"publish\",\"tags\":[\"b\",\"a\"],\"data\":\"out of order\"}",
            "{\"command\":\"publish\",\"tags\":[\"ab\",\"a\"],\"data\":\"prefix after\"}",
            "{\"command\":\"publish\",\"tags\":[\"a\"],\"data\":\"\"}",
            "{\"command\":\"publish\",\"tags\":[\"a\"]}",
            "{\"command\":\"publish\",\"tags\":[\"a\"],\"data\":\"<b>\"}",
            "{\"command\":\"publish\",\"tags\":[\"a&b\"],\"data\":\"x\"}",
            "{\"command\":\"publish\",\"tags\":[\"a\"],\"data\":\"tab\\there\"}",
            "{\"command\":\"publish\",\"tags\":[\"\u00e9t\u00e9\"],\"data\":\"x\"}",
            "{\"command\":\"publish\",\"tags\":[\"a\"],\"data\":\"x\"} ",
            "{\"command\":\"publish\",\"tags\":[\"a\"],\"data\":\"x\",\"since\":1}",
            "{\"command\":\"publish\",\"tags\":[\"a\" ],\"data\":\"x\"}",
            "{\"command\":\"publish\",\"tags\":[\"a\"],\"Data\":\"x\"}",
        };
        for (final String json : nearMisses)
        {
            final MistFrame frame = parse(json);
            assertNull(frame.wireForm(), json);
            assertSameAsGeneralPath(json, frame);
        }
        for (final String broken : new String[] {
            "{\"command\":\"publish\",\"tags\":[\"a\"],\"data\":\"x\"}}",
            "{\"command\":\"publish\",\"tags\":[\"a\"],\"data\":\"x",
            "{\"command\":\"publish\",\"tags\":[\"a",
            "{\"command\":\"publish\",\"tags\":[\"a\",",
        })
        {
            assertThrows(FrameException.class, () -> parse(broken), broken);
        }
        final MistFrame changed = parse(wireForm[0]);
        changed.addTag(new byte[] { 'q' }, 0, 1);
        assertNull(changed.wireForm(), "a frame changed after parsing is encoded again");
    }

    @Test
    void aLineCutShortInsideAPublishInMistsOutputFormIsIncompleteAndAnythingElseIsNot()
    {
        final MistFrameParser parser = new MistFrameParser();
        final MistFrame frame = new MistFrame();
        for (final String json : new String[] {
            "{\"command\":\"publish\",\"tags\":[\"a\"],\"data\":\"hello\"}",
            "{\"command\":\"publish\",\"tags\":[\"a\",\"b\",\"ba\"],\"data\":\"" + "x".repeat(300) + "\"}",
            "{\"command\":\"publish\",\"tags\":[\"\",\"z\"],\"data\":\"1\"}",
            "{\"command\":\"publish\",\"tags\":[\"b\",\"a\"],\"data\":\"x\"}",
        })
        {
            final byte[] line = (" " + json + "\n").getBytes(StandardCharsets.UTF_8);
            final int end = line.length - 1;
            for (int limit = 1; limit < end; limit++)
            {
                assertEquals(MistFrameParser.INCOMPLETE, parser.parseWireLine(line, 1, limit, frame),
                    json + " cut at " + limit);
            }
            assertEquals(-1, parser.parseWireLine(line, 1, end, frame), "whole, no newline yet: the general path's");
            assertEquals(end - 1, parser.parseWireLine(line, 1, line.length, frame), json);
        }
        // Once a byte differs from the output form, no longer input makes the line incomplete again.
        for (final String json : new String[] {
            "{\"command\":\"publish\",\"tags\":[\"a\"],\"data\":\"\"}",
            "{\"command\":\"publish\",\"tags\":[\"a\" ],\"data\":\"x\"}",
            "{\"command\":\"publish\",\"tags\":[\"a\"],\"data\":\"tab\\there\"}",
            "{\"command\":\"publish\",\"tags\":[\"a\"],\"Data\":\"x\"}",
            "{\"command\":\"ping\"}",
            "{\"command\" : \"publish\",\"tags\":[\"a\"],\"data\":\"x\"}",
        })
        {
            final byte[] line = (json + "\n").getBytes(StandardCharsets.UTF_8);
            boolean differed = false;
            for (int limit = 1; limit <= line.length; limit++)
            {
                final int result = parser.parseWireLine(line, 0, limit, frame);
                assertTrue(result == -1 || result == MistFrameParser.INCOMPLETE && !differed, json + " at " + limit);
                differed |= result == -1;
            }
            assertTrue(differed, json);
        }
    }

    @Test
    void tagsInTheClientsOwnOrderAreReadInOnePassAndEncodedAgain() throws FrameException
    {
        final MistFrameParser parser = new MistFrameParser();
        final MistFrame frame = new MistFrame();
        for (final String json : new String[] {
            "{\"command\":\"publish\",\"tags\":[\"b\",\"a\"],\"data\":\"out of order\"}",
            "{\"command\":\"publish\",\"tags\":[\"ab\",\"a\",\"ab\"],\"data\":\"prefix after, twice\"}",
            "{\"command\":\"publish\",\"tags\":[\"a\",\"c\",\"b\"],\"data\":\"" + "y".repeat(300) + "\"}",
        })
        {
            final byte[] line = (json + "\n").getBytes(StandardCharsets.UTF_8);
            assertEquals(line.length - 1, parser.parseWireLine(line, 0, line.length, frame), json);
            assertNull(frame.wireForm(), "not what mist delivers: its tags are sorted on the way: " + json);
            assertTrue(frame.dataPlain(), json);
            assertSameAsGeneralPath(json, frame);
        }
    }

    private static void assertSameAsGeneralPath(final String json, final MistFrame frame) throws FrameException
    {
        final MistFrame general = parse(" " + json);
        assertNull(general.wireForm());
        assertEquals(general.command(), frame.command(), json);
        assertArrayEquals(tags(general), tags(frame), json);
        assertEquals(data(general), data(frame), json);
        assertEquals(general.dataPlain(), frame.dataPlain(), json);
    }

    @Test
    void longSFoldsToSInMemberNamesAsInGo() throws FrameException
    {
        assertArrayEquals(new String[] { "x" }, tags(parse("{\"tag\u017F\":[\"x\"]}")));
    }

    @Test
    void commandNamesAreCaseSensitive() throws FrameException
    {
        assertEquals(Command.UNKNOWN, parse("{\"command\":\"PING\"}").command());
    }

    @Test
    void unknownMembersOfAnyShapeAreSkipped() throws FrameException
    {
        final MistFrame frame = parse(
            "{\"x\":{\"y\":[1,2,{\"z\":null}]},\"n\":-1.5e3,\"t\":true,\"f\":false,\"command\":\"ping\",\"e\":\"s\"}");
        assertEquals(Command.PING, frame.command());
    }

    @Test
    void lastDuplicateMemberWins() throws FrameException
    {
        final MistFrame frame = parse("{\"command\":\"ping\",\"command\":\"list\",\"tags\":[\"a\"],\"tags\":[\"b\",\"c\"]}");
        assertEquals(Command.LIST, frame.command());
        assertArrayEquals(new String[] { "b", "c" }, tags(frame));
    }

    @Test
    void topLevelNullIsAnEmptyMessage() throws FrameException
    {
        final MistFrame frame = parse("null");
        assertEquals(Command.UNKNOWN, frame.command());
        assertEquals(0, frame.commandLength());
        assertEquals(0, frame.tagCount());
    }

    @Test
    void nullMembersLeaveStringsAndEmptyTags() throws FrameException
    {
        final MistFrame frame = parse("{\"command\":\"ping\",\"command\":null,\"tags\":[\"a\"],\"tags\":null,\"data\":null}");
        assertEquals(Command.PING, frame.command());
        assertEquals(0, frame.tagCount());
        assertEquals(0, frame.dataLength());
    }

    @Test
    void nullTagElementIsTheEmptyTag() throws FrameException
    {
        assertArrayEquals(new String[] { "a", "" }, tags(parse("{\"tags\":[\"a\",null]}")));
    }

    @Test
    void errorMemberIsAcceptedAndIgnored() throws FrameException
    {
        assertEquals(Command.PING, parse("{\"command\":\"ping\",\"error\":\"x\"}").command());
    }

    @Test
    void escapedMemberNameStillMatches() throws FrameException
    {
        assertEquals(Command.PING, parse("{\"comm\\u0061nd\":\"ping\"}").command());
    }

    @Test
    void wrongTypesAreErrorsNamingTheMember()
    {
        assertTrue(assertThrows(FrameException.class, () -> parse("{\"tags\":\"a\"}")).getMessage().contains("'tags'"));
        assertTrue(assertThrows(FrameException.class, () -> parse("{\"data\":5}")).getMessage().contains("'data'"));
        assertTrue(assertThrows(FrameException.class, () -> parse("{\"command\":[]}")).getMessage().contains("'command'"));
        assertTrue(assertThrows(FrameException.class, () -> parse("{\"tags\":[1]}")).getMessage().contains("'tags'"));
        assertThrows(FrameException.class, () -> parse("{\"error\":{}}"));
    }

    @Test
    void nonObjectsAreErrors()
    {
        assertThrows(FrameException.class, () -> parse("hello"));
        assertThrows(FrameException.class, () -> parse("[1,2]"));
        assertThrows(FrameException.class, () -> parse("\"ping\""));
        assertThrows(FrameException.class, () -> parse("nul"));
    }

    @Test
    void malformedJsonIsAnError()
    {
        assertThrows(FrameException.class, () -> parse("{\"command\":pi}"));
        assertThrows(FrameException.class, () -> parse("{\"command\" \"ping\"}"));
        assertThrows(FrameException.class, () -> parse("{\"command\":\"ping\",}"));
        assertThrows(FrameException.class, () -> parse("{\"tags\":[\"a\" \"b\"]}"));
        assertThrows(FrameException.class, () -> parse("{command:\"ping\"}"));
        assertThrows(FrameException.class, () -> parse("{\"command\":\"ping\",\"x\":garbage}"));
        assertThrows(FrameException.class, () -> parse("{\"x\":[1,abc]}"));
        assertThrows(FrameException.class, () -> parse("{\"x\":1x2}"));
        assertThrows(FrameException.class, () -> parse("{\"x\":01}"));
        assertThrows(FrameException.class, () -> parse("{\"x\":{\"y\":-}}"));
        assertThrows(FrameException.class, () -> parse("{\"x\":\"bad \\q escape\"}"));
    }

    @Test
    void parserIsReusableAfterAnError() throws FrameException
    {
        final MistFrameParser parser = new MistFrameParser();
        final MistFrame frame = new MistFrame();
        final byte[] bad = "{\"tags\":5}".getBytes();
        assertThrows(FrameException.class, () -> parser.parse(bad, bad.length, frame));
        final byte[] good = "{\"command\":\"subscribe\",\"tags\":[\"a\"]}".getBytes();
        parser.parse(good, good.length, frame);
        assertEquals(Command.SUBSCRIBE, frame.command());
        assertArrayEquals(new String[] { "a" }, tags(frame));
    }
}
