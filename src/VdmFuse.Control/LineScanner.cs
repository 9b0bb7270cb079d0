using System.Text;

namespace VdmFuse.Control;

/// <summary>
/// Reads the words and <c>key=value</c> fields of one line, left to right. Words are separated by
/// spaces or tabs; a value may contain double-quoted parts in which <c>\"</c> and <c>\\</c> stand
/// for a quote and a backslash. Errors are EINVAL prefixed with <c>context</c> (the verb, or "reply").
/// </summary>
internal ref struct LineScanner
{
    private readonly ReadOnlySpan<char> _text;
    private int _position;

    public LineScanner(ReadOnlySpan<char> text)
    {
        _text = text;
        _position = 0;
    }

    /// <summary>Skips spaces and tabs; returns whether anything is left.</summary>
    public bool SkipWhitespace()
    {
        while (_position < _text.Length && IsWhitespace(_text[_position]))
        {
            _position++;
        }
        return _position < _text.Length;
    }

    /// <summary>Reads a bare word up to the next space or tab.</summary>
    public string ReadWord()
    {
        var start = _position;
        while (_position < _text.Length && !IsWhitespace(_text[_position]))
        {
            _position++;
        }
        return _text[start.._position].ToString();
    }

    /// <summary>The rest of the line with surrounding whitespace removed.</summary>
    public string ReadRest()
    {
        var rest = _text[_position..].Trim(" \t").ToString();
        _position = _text.Length;
        return rest;
    }

    /// <summary>Reads one <c>key=value</c> field.</summary>
    public ControlField ReadField(string context)
    {
        var start = _position;
        while (_position < _text.Length && _text[_position] != '=' && _text[_position] != '"' && !IsWhitespace(_text[_position]))
        {
            _position++;
        }
        if (_position == _text.Length || _text[_position] != '=' || _position == start)
        {
            var tokenEnd = start;
            while (tokenEnd < _text.Length && !IsWhitespace(_text[tokenEnd]))
            {
                tokenEnd++;
            }
            throw new ControlException(ControlErrno.EINVAL,
                $"{context}: expected key=value but got '{_text[start..tokenEnd]}'");
        }
        var key = _text[start.._position].ToString();
        _position++; // '='
        return new ControlField(key, ReadValue(context, key));
    }

    private string ReadValue(string context, string key)
    {
        var value = new StringBuilder();
        while (_position < _text.Length && !IsWhitespace(_text[_position]))
        {
            var c = _text[_position++];
            if (c != '"')
            {
                value.Append(c);
                continue;
            }
            while (true)
            {
                if (_position >= _text.Length)
                {
                    throw new ControlException(ControlErrno.EINVAL, $"{context}: field '{key}' has an unterminated quote");
                }
                c = _text[_position++];
                if (c == '"')
                {
                    break;
                }
                if (c == '\\')
                {
                    if (_position >= _text.Length)
                    {
                        throw new ControlException(ControlErrno.EINVAL, $"{context}: field '{key}' has an unterminated quote");
                    }
                    c = _text[_position++];
                    if (c != '"' && c != '\\')
                    {
                        throw new ControlException(ControlErrno.EINVAL,
                            $"{context}: field '{key}' has an unknown escape '\\{c}'; only \\\" and \\\\ are allowed");
                    }
                }
                value.Append(c);
            }
        }
        return value.ToString();
    }

    public static bool IsWhitespace(char c) => c is ' ' or '\t';
}
