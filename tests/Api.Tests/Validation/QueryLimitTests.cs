using WaEngine.Api.Validation;

namespace WaEngine.Api.Tests.Validation;

public class QueryLimitTests
{
    [Theory]
    [InlineData(null, 50)]
    [InlineData("1", 1)]
    [InlineData("500", 500)]
    [InlineData("42", 42)]
    public void Reads_the_limit_or_its_default(string? text, int expected)
    {
        var (value, problem) = QueryLimit.Read(text, "limit", 50, 500);
        Assert.Null(problem);
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("501")]
    [InlineData("-1")]
    [InlineData("ten")]
    [InlineData("")]
    [InlineData("1.5")]
    [InlineData("99999999999")]
    [InlineData("1,2")]
    public void Refuses_out_of_range_and_non_numbers_with_the_param(string text)
    {
        var (_, problem) = QueryLimit.Read(text, "limit", 50, 500);
        Assert.NotNull(problem);
        Assert.Equal(400, problem.Status);
        Assert.Equal("limit", problem.Param);
    }
}
