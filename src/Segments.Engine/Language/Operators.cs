namespace Segments.Engine.Language;

// The operators of the language, one closed set per kind of value; their words are the members' names in snake
// case (see Words). The declaration order is the order validation messages list them in.

/// <summary><c>exists</c> and <c>not_exists</c>, valid on every kind of value.</summary>
public enum PresenceOperator : byte
{
    Exists,
    NotExists,
}

/// <summary>Text operators: case-insensitive (ordinal) comparisons.</summary>
public enum TextOperator : byte
{
    Eq,
    Neq,
    Contains,
    NotContains,
    StartsWith,
    EndsWith,
    In,
    NotIn,
}

/// <summary>Number operators; also those of <c>count</c> and a conversion's <c>value</c> (all but <c>in</c> and <c>not_in</c>).</summary>
public enum NumberOperator : byte
{
    Eq,
    Neq,
    Gt,
    Gte,
    Lt,
    Lte,
    Between,
    In,
    NotIn,
}

/// <summary>The boolean operator.</summary>
public enum BooleanOperator : byte
{
    Eq,
}

/// <summary>Date operators with a fixed operand (a day or an instant).</summary>
public enum DateOperator : byte
{
    Eq,
    Before,
    After,
    Between,
}

/// <summary>Date operators relative to the evaluation time T, with a duration.</summary>
public enum RelativeDateOperator : byte
{
    WithinLast,
    MoreThanAgo,
    WithinNext,
}

/// <summary>Operators of a <c>tags</c> field (besides presence): compared ignoring case, like all text.</summary>
public enum TagsOperator : byte
{
    Includes,
    NotIncludes,
    IncludesAny,
    IncludesAll,
}
