using VdmFuse.Engine.Dkio;
using VdmFuse.Native;

namespace VdmFuse.Engine.Mirror;

// The volume capabilities of dkio(7) (DKIOCGETVOLCAP, DKIOCSETVOLCAP): application-based recovery and directed reads.
public sealed partial class MirrorDisk
{
    private bool _applicationBasedRecovery;
    private bool _directedReads;

    /// <summary>
    /// What the mirror can do (DKIOCGETVOLCAP's <c>vc_info</c>): <see cref="DkVolumeCapabilities.DirectedRead"/> always,
    /// and <see cref="DkVolumeCapabilities.ApplicationBasedRecovery"/> when the mirror has a journal (it is persistent,
    /// so there is a crash recovery to hand over to the application).
    /// </summary>
    public uint VolumeCapabilityInfo =>
        DkVolumeCapabilities.DirectedRead | (HasJournal ? DkVolumeCapabilities.ApplicationBasedRecovery : 0u);

    /// <summary>The capabilities set now (DKIOCGETVOLCAP's <c>vc_set</c>).</summary>
    public uint VolumeCapabilitySet =>
        (ApplicationBasedRecovery ? DkVolumeCapabilities.ApplicationBasedRecovery : 0u)
        | (DirectedReadsEnabled ? DkVolumeCapabilities.DirectedRead : 0u);

    /// <summary>
    /// Whether application-based recovery is set: writes mark no dirty regions, and a restart after a crash neither
    /// marks images corrupt for dirty regions nor starts a recovery sync. Saved in the journal (it persists).
    /// </summary>
    public bool ApplicationBasedRecovery => Volatile.Read(ref _applicationBasedRecovery);

    /// <summary>Whether directed reads (<see cref="DirectedRead"/>) are enabled; not persistent (off at every start).</summary>
    public bool DirectedReadsEnabled => Volatile.Read(ref _directedReads);

    /// <summary>
    /// Sets the capabilities (DKIOCSETVOLCAP): a capability not asked for is cleared. Setting application-based
    /// recovery stops dirty-region logging and clears the dirty regions (in the background, after flushing the
    /// images); clearing it resumes the logging. The flag is saved in the journal before this returns.
    /// </summary>
    /// <param name="abr">DKV_ABR_CAP: application-based recovery (the application recovers the mirror's data after a crash).</param>
    /// <param name="dmr">DKV_DMR_CAP: allow directed reads (<see cref="DirectedRead"/>).</param>
    /// <exception cref="ErrnoException">
    /// ENOTSUP: application-based recovery asked of a mirror without a journal; the error of the journal save
    /// (the capabilities are then unchanged).
    /// </exception>
    public void SetVolumeCapabilities(bool abr, bool dmr)
    {
        if (abr && !HasJournal)
        {
            throw new ErrnoException(Errno.ENOTSUP,
                $"mirror '{Name}' is not persistent (it has no journal): it has no crash recovery to hand over, so application-based recovery cannot be set");
        }
        bool abrChanged;
        bool dmrChanged;
        lock (_stateLock)
        {
            abrChanged = _applicationBasedRecovery != abr;
            dmrChanged = _directedReads != dmr;
            Volatile.Write(ref _applicationBasedRecovery, abr);
            Volatile.Write(ref _directedReads, dmr);
        }
        if (abrChanged)
        {
            try
            {
                SaveJournalNow();
            }
            catch
            {
                lock (_stateLock)
                {
                    Volatile.Write(ref _applicationBasedRecovery, !abr);
                }
                throw;
            }
            if (abr)
            {
                // As the page's DRL example: the dirty-region list is cleared and no longer updated.
                Volatile.Write(ref _background, CleanIdleRegionsAsync(all: true));
            }
        }
        if (abrChanged || dmrChanged)
        {
            Log.Info("mirror '{0}': volume capabilities now application-based recovery {1}, directed reads {2}", Name,
                abr ? "on (no dirty regions are kept; the application recovers after a crash)" : "off (dirty regions are kept)",
                dmr ? "on" : "off");
        }
    }
}
