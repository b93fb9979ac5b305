namespace FactoredGpu.Circuits;

/// <summary>The tokens a head's full OV circuit maps most strongly to themselves: the largest entries of its diagonal.</summary>
/// <param name="Layer">The head's layer.</param>
/// <param name="Head">The head's index in its layer.</param>
/// <param name="FullOvCopyingScore">The head's full OV copying score, the reason it was chosen.</param>
/// <param name="TokenIds">Token ids, strongest first.</param>
/// <param name="Tokens">Those tokens' text, decoded alone (<see langword="null"/> for an id the vocabulary lacks); <see langword="null"/> when the analysis had no vocabulary.</param>
/// <param name="Values">The diagonal entries <c>(W_E·W_V·W_O·W_U)[t, t]</c> for those tokens.</param>
public sealed record HeadTokens(int Layer, int Head, double FullOvCopyingScore, int[] TokenIds, string?[]? Tokens, double[] Values);
