namespace VdmFuse.Control;

/// <summary>An array field of a packet whose elements are reply records, such as the levels of dsk-get-address.</summary>
/// <param name="Tag">The tag of the reply records, such as "level".</param>
/// <param name="CountField">The name of the packet field that holds how many elements are used.</param>
/// <param name="CStruct">The C struct of one element, such as "vdm_address_level".</param>
/// <param name="ElementSize">The size of one element in bytes.</param>
/// <param name="MaxCount">The number of elements the array holds.</param>
/// <param name="Fields">The fields of one element, with offsets within the element.</param>
public sealed record PacketRecords(string Tag, string CountField, string CStruct, int ElementSize, int MaxCount, IReadOnlyList<PacketField> Fields);
